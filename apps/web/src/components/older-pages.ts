import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../api/client.js';

/**
 * A newest-first list the api pages by keyset (`before` = the last id shown, answered with
 * `nextBefore`): the first page whenever `path` or `reloadKey` changes, older pages on demand.
 * `key` names the list in the answer (`entries`, `deliveries`).
 */
export function useOlderPages<T>(path: string, key: string, reloadKey: unknown = null) {
  const [rows, setRows] = useState<T[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const load = useCallback(
    async (before: number | null) => {
      setBusy(true);
      try {
        const page = await api<Record<string, unknown> & { nextBefore: number | null }>('GET', before === null ? path : `${path}${path.includes('?') ? '&' : '?'}before=${before}`);
        const items = page[key] as T[];
        setRows((old) => (before === null ? items : [...(old ?? []), ...items]));
        setNext(page.nextBefore);
        setError(null);
      } catch (e) {
        setError(errorMessage(e));
      } finally {
        setBusy(false);
      }
    },
    [path, key],
  );
  useEffect(() => {
    void load(null);
  }, [load, reloadKey]);
  return { rows, next, error, busy, reload: () => load(null), loadOlder: () => (next === null ? Promise.resolve() : load(next)) };
}
