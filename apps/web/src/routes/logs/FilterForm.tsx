import { useState, type FormEvent } from 'react';
import { FILTERS, invalidFilters, type Filters } from './filters.js';

/** Every search field of the api; a submitted value the api would refuse is named next to its field. */
export function FilterForm({ filters, onApply }: { filters: Filters; onApply: (filters: Filters) => void }) {
  const [problems, setProblems] = useState<Record<string, string>>({});
  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values: Record<string, string> = {};
    for (const [k, v] of new FormData(event.currentTarget)) if (typeof v === 'string') values[k] = v.trim();
    const invalid = invalidFilters(values);
    setProblems(invalid);
    if (Object.keys(invalid).length === 0) onApply(values);
  };
  return (
    <form className="filters" onSubmit={apply} aria-label="Filters" noValidate>
      {FILTERS.map((f) => (
        <div key={f.name} className="filter">
          <label htmlFor={`filter-${f.name}`}>{f.label}</label>
          {f.options ? (
            <select id={`filter-${f.name}`} name={f.name} defaultValue={filters[f.name] ?? ''}>
              <option value="">any</option>
              {f.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          ) : (
            <input
              id={`filter-${f.name}`}
              name={f.name}
              defaultValue={filters[f.name] ?? ''}
              placeholder={f.placeholder}
              aria-invalid={problems[f.name] ? true : undefined}
              aria-describedby={problems[f.name] ? `filter-${f.name}-error` : undefined}
            />
          )}
          {problems[f.name] && (
            <small className="field-error" id={`filter-${f.name}-error`}>
              {problems[f.name]}
            </small>
          )}
        </div>
      ))}
      <button type="submit">Search</button>
      <button type="button" onClick={() => (setProblems({}), onApply({}))}>
        Clear
      </button>
    </form>
  );
}
