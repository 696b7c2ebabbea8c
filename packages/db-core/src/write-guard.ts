import { AsyncLocalStorage } from 'node:async_hooks';
import { WritePathError } from './errors.js';

/** Marks the async context of a running write unit, to refuse a nested `write` (a deadlock). */
const inWriteUnit = new AsyncLocalStorage<true>();

export function runAsWriteUnit<T>(fn: () => T): T {
  return inWriteUnit.run(true, fn);
}

export function refuseNestedWrite(): void {
  if (inWriteUnit.getStore() === true) {
    throw new WritePathError(
      'NESTED_WRITE',
      "write() was called from inside a write unit; it would wait for itself. Use the unit's tx instead.",
    );
  }
}
