import { ApiError } from '../../api/client.js';
import type { FieldSpec } from '../../components/resource-form.js';

/** The rule form: names are the api's input paths, so its field messages land next to the right input. */
export const RULE_FIELDS: readonly FieldSpec[] = [
  { name: 'name', label: 'Rule name', kind: 'text', required: true },
  { name: 'priority', label: 'Priority', kind: 'number', required: true, hint: 'Lower runs first; reorder with the arrows.' },
  { name: 'actionType', label: 'Action', kind: 'select', required: true, options: ['forward', 'redirect', 'fixed_response', 'block', 'rewrite'] },
  { name: 'actionConfig', label: 'Action settings (JSON)', kind: 'json', placeholder: '{"location": "https://example.com"}' },
  { name: 'matchersConfig', label: 'Matchers (JSON)', kind: 'json', placeholder: '[{"type": "path", "config": {"prefix": "/admin"}}]' },
  { name: 'enabled', label: 'Enabled', kind: 'checkbox' },
];

/**
 * The api names a problem inside a JSON field by its full path (`matchersConfig.0.type`); the form
 * has one input for the whole value, so the message goes next to that input, keeping the inner path.
 */
export function onFormFields(error: unknown, fields: readonly FieldSpec[] = RULE_FIELDS): unknown {
  if (!(error instanceof ApiError) || error.fields.length === 0) return error;
  const names = new Set(fields.map((f) => f.name));
  const folded = error.fields.map(({ field, message }) => {
    const top = field.split('.')[0] ?? field;
    return top !== field && names.has(top) ? { field: top, message: `${field.slice(top.length + 1)}: ${message}` } : { field, message };
  });
  return new ApiError(error.status, error.code, error.message, folded);
}

/** Runs an api call, with its field errors placed on the form's inputs. */
export async function withFormFields(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (e) {
    throw onFormFields(e);
  }
}
