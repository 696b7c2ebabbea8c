import { useState } from 'react';
import { errorMessage } from '../../api/client.js';
import { EXPORT_FORMATS, exportLogs, type ExportFormat } from './export.js';

/** "Export CSV" and "Export NDJSON" of the current search (every matching row, not only the shown ones). */
export function ExportButtons({ query }: { query: () => URLSearchParams }) {
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (format: ExportFormat) => {
    setBusy(format);
    setError(null);
    try {
      await exportLogs(query(), format);
    } catch (e) {
      setError(`Export failed: ${errorMessage(e)}`);
    } finally {
      setBusy(null);
    }
  };
  return (
    <span className="row-actions">
      {EXPORT_FORMATS.map((f) => (
        <button key={f} type="button" disabled={busy !== null} onClick={() => void run(f)}>
          {busy === f ? 'Exporting…' : `Export ${f.toUpperCase()}`}
        </button>
      ))}
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
