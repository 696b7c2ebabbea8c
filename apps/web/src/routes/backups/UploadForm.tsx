import { useId, useRef, useState } from 'react';
import { errorMessage } from '../../api/client.js';
import { FormError, formatBytes } from '../../components/kit.js';
import type { Backup } from './listing.js';
import { uploadArchive } from './upload.js';

type Phase = { readonly step: 'idle' } | { readonly step: 'sending'; readonly sent: number; readonly total: number } | { readonly step: 'verifying' };

/** An archive from this computer (a download from this or another Panoptes), sent, verified by the server, then listed. */
export function UploadForm({ onUploaded }: { onUploaded: (backup: Backup) => Promise<void> }) {
  const [phase, setPhase] = useState<Phase>({ step: 'idle' });
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const send = async (file: File) => {
    setError(null);
    setPhase({ step: 'sending', sent: 0, total: file.size });
    try {
      const backup = await uploadArchive(file, (sent, total) => setPhase(sent >= total ? { step: 'verifying' } : { step: 'sending', sent, total }));
      await onUploaded(backup);
    } catch (e) {
      setError(`${file.name}: ${errorMessage(e)}`);
    } finally {
      setPhase({ step: 'idle' });
      if (input.current) input.current.value = '';
    }
  };
  return (
    <form className="stack card" aria-label="Upload a backup" onSubmit={(e) => e.preventDefault()}>
      <h2>Upload</h2>
      <label>
        Upload an archive (.tar.gz) from this computer
        <input
          ref={input}
          type="file"
          accept=".tar.gz,.tgz,application/gzip"
          disabled={phase.step !== 'idle'}
          aria-describedby={hintId}
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            if (file) void send(file);
          }}
        />
        <small id={hintId} className="hint">
          The server checks the archive (checksums, metadata, database integrity) before keeping it.
        </small>
      </label>
      {phase.step === 'sending' && (
        <p role="status" className="upload-progress">
          <progress max={phase.total} value={phase.sent} aria-label="Upload progress" /> Sending {formatBytes(phase.sent)} of {formatBytes(phase.total)}…
        </p>
      )}
      {phase.step === 'verifying' && <p role="status">Sent; the server is verifying the archive…</p>}
      <FormError message={error} />
    </form>
  );
}
