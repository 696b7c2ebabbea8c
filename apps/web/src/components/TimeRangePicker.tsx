import { useState, type FormEvent } from 'react';
import { PRESETS, type Preset, type TimeRange } from './time-range.js';

/** `<input type="datetime-local">` value for an epoch time, in the browser's zone. */
const local = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

/** Preset buttons and a custom from/to; `allowAll` adds "all time" (no range). */
export function TimeRangePicker({ value, onChange, allowAll }: { value: TimeRange | null; onChange: (range: TimeRange | null) => void; allowAll?: boolean }) {
  const [custom, setCustom] = useState(value?.kind === 'custom');
  const [error, setError] = useState<string | null>(null);
  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const from = new Date(String(form.get('from'))).getTime();
    const to = new Date(String(form.get('to'))).getTime();
    if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) {
      setError('"from" must be before "to"');
      return;
    }
    setError(null);
    onChange({ kind: 'custom', from, to });
  };
  const now = Date.now();
  return (
    <div className="time-range" role="group" aria-label="Time range">
      {allowAll && (
        <button type="button" aria-pressed={value === null} onClick={() => onChange(null)}>
          all time
        </button>
      )}
      {(Object.keys(PRESETS) as Preset[]).map((p) => (
        <button key={p} type="button" aria-pressed={value?.kind === 'preset' && value.preset === p} onClick={() => (setCustom(false), onChange({ kind: 'preset', preset: p }))}>
          {PRESETS[p].label}
        </button>
      ))}
      <button type="button" aria-pressed={custom} aria-expanded={custom} onClick={() => setCustom(!custom)}>
        custom…
      </button>
      {custom && (
        <form className="inline-form" onSubmit={apply} aria-label="Custom time range">
          <label>
            From
            <input type="datetime-local" name="from" defaultValue={local(value?.kind === 'custom' ? value.from : now - 3_600_000)} />
          </label>
          <label>
            To
            <input type="datetime-local" name="to" defaultValue={local(value?.kind === 'custom' ? value.to : now)} />
          </label>
          <button type="submit">Apply</button>
          {error && (
            <span className="field-error" role="alert">
              {error}
            </span>
          )}
        </form>
      )}
    </div>
  );
}
