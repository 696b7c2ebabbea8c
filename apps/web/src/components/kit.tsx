import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type InputHTMLAttributes, type ReactNode } from 'react';
import { api, ApiError, errorMessage } from '../api/client.js';

/** The shared pieces every page is made of: loading/empty/error states, fields with the api's messages, confirmations. */

export interface Resource<T> {
  readonly data: T | null;
  readonly error: string | null;
  readonly loading: boolean;
  readonly reload: () => Promise<void>;
}

/** GET `path` (null: nothing to load yet) and keep the answer, the error and a reload. */
export function useResource<T>(path: string | null): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const current = useRef(path);
  current.current = path;
  const reload = useCallback(async () => {
    if (path === null) return;
    setLoading(true);
    try {
      const answer = await api<T>('GET', path);
      if (current.current === path) {
        setData(answer);
        setError(null);
      }
    } catch (e) {
      if (current.current === path) setError(errorMessage(e));
    } finally {
      if (current.current === path) setLoading(false);
    }
  }, [path]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload };
}

/** Loading, error and empty states around a resource; `children` renders the loaded data. */
export function Loadable<T>({ resource, isEmpty, empty, children }: { resource: Resource<T>; isEmpty?: (data: T) => boolean; empty?: ReactNode; children: (data: T) => ReactNode }) {
  if (resource.error !== null && resource.data === null)
    return (
      <div className="error" role="alert">
        {resource.error}{' '}
        <button type="button" onClick={() => void resource.reload()}>
          Retry
        </button>
      </div>
    );
  if (resource.data === null) return <p role="status">Loading…</p>;
  return (
    <>
      {resource.error !== null && (
        <p className="error" role="alert">
          {resource.error}
        </p>
      )}
      {isEmpty?.(resource.data) ? <p className="empty">{empty ?? 'Nothing here yet.'}</p> : children(resource.data)}
    </>
  );
}

/** A form submission: busy flag, the api's error, and its per-field messages. */
export function useSubmit<A extends unknown[]>(action: (...args: A) => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (...args: A): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action(...args);
      return true;
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'CLIENT', errorMessage(e)));
      return false;
    } finally {
      setBusy(false);
    }
  };
  /** The api's message for `field` (its `fields[].field` is the dotted input path). */
  const fieldError = (field: string) => error?.fields.find((f) => f.field === field)?.message;
  /** The form-level message: the error when no field carries it. */
  const formError = error !== null && error.fields.length === 0 ? error.message : error !== null ? 'Some fields need attention.' : null;
  return { run, busy, error, fieldError, formError, reset: () => setError(null) };
}

/** The values of a submitted form, by input name. */
export function formValues(event: FormEvent<HTMLFormElement>): Record<string, string> {
  event.preventDefault();
  const values: Record<string, string> = {};
  for (const [k, v] of new FormData(event.currentTarget)) if (typeof v === 'string') values[k] = v;
  return values;
}

/** A labelled input with its validation message next to it (linked by aria-describedby). */
export function Field({ label, error, hint, children, ...input }: { label: string; error?: string | undefined; hint?: string; children?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const described = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <label>
      {label}
      {children ?? <input {...input} aria-invalid={error ? true : undefined} aria-describedby={described} />}
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="field-error">
          {error}
        </small>
      )}
    </label>
  );
}

export function FormError({ message }: { message: string | null }) {
  return message === null ? null : (
    <p className="error" role="alert">
      {message}
    </p>
  );
}

/**
 * A destructive action behind a modal confirmation (native <dialog>: focus moves into it, Escape
 * cancels). `message` says what will happen.
 */
export function ConfirmButton({ label, title, message, confirmLabel, onConfirm, disabled, className }: { label: string; title: string; message: ReactNode; confirmLabel?: string; onConfirm: () => Promise<void> | void; disabled?: boolean; className?: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      dialog.current?.close();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className={className} disabled={disabled} onClick={() => dialog.current?.showModal()}>
        {label}
      </button>
      <dialog ref={dialog} aria-labelledby={titleId} className="confirm">
        <h2 id={titleId}>{title}</h2>
        <div>{message}</div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="button" className="danger" disabled={busy} onClick={() => void confirm()}>
            {confirmLabel ?? label}
          </button>
        </div>
      </dialog>
    </>
  );
}

/** Milliseconds since the epoch (the api's unit) as a local date and time. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms).toLocaleString();
}

/** Bytes as B / KiB / MiB / GiB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** A duration in milliseconds as "3 min", "5 h", "2 d". */
export function formatAge(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

/** A table's header row; `actions` adds the (visually hidden) header of a trailing buttons column. */
export function TableHead({ columns, actions }: { columns: readonly string[]; actions?: boolean }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c}>{c}</th>
        ))}
        {actions && (
          <th>
            <span className="visually-hidden">Actions</span>
          </th>
        )}
      </tr>
    </thead>
  );
}

/** A form's closing row: its error, Cancel (when given) and the submit button. */
export function FormFooter({ error, label, busy, onCancel }: { error: string | null; label: string; busy: boolean; onCancel?: (() => void) | undefined }) {
  return (
    <>
      <FormError message={error} />
      <div className="actions">
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" disabled={busy}>
          {label}
        </button>
      </div>
    </>
  );
}

/** `<option>`s from plain values or value/label pairs. */
export function Options({ options }: { options: readonly (string | { readonly value: string; readonly label: string })[] | undefined }) {
  return (
    <>
      {options
        ?.map((o) => (typeof o === 'string' ? { value: o, label: o } : o))
        .map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
    </>
  );
}
