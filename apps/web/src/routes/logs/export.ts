import { apiResponse } from '../../api/client.js';

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * Downloads the search as a file. It goes through fetch rather than a plain link so the request
 * carries the selected project (a link cannot send the `x-project` header).
 */
export async function exportLogs(query: URLSearchParams, format: ExportFormat): Promise<void> {
  const q = new URLSearchParams(query);
  q.set('format', format);
  const response = await apiResponse('GET', `/api/logs/export?${q}`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `panoptes-logs.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
