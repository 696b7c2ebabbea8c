import { ApiError, refusal, requestHeaders } from '../../api/client.js';
import type { Backup } from './listing.js';

/**
 * POST /api/backups/upload with the archive as the raw request body (the api streams it to disk,
 * verifies it and stores it as a backup). XHR rather than fetch for upload progress.
 */
export function uploadArchive(file: File, onProgress: (sent: number, total: number) => void): Promise<Backup> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/backups/upload');
    for (const [name, value] of Object.entries(requestHeaders('POST'))) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('content-type', 'application/gzip');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'the server cannot be reached'));
    xhr.onload = () => {
      let json: { backup?: Backup; error?: { code: string; message: string } } = {};
      try {
        json = JSON.parse(xhr.responseText) as typeof json;
      } catch {
        // A proxy's HTML error page: keep the status text.
      }
      if (xhr.status >= 200 && xhr.status < 300 && json.backup) resolve(json.backup);
      else reject(refusal(xhr.status, xhr.statusText || `the upload failed (${xhr.status})`, json));
    };
    xhr.send(file);
  });
}
