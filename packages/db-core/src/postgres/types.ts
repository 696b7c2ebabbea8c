import pg from 'pg';
import { PanoptesError } from '../errors.js';

const INT8 = 20;
const NUMERIC = 1700;

function toSafeNumber(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) && Number.isInteger(value)) {
    throw new PanoptesError('INTEGER_OVERFLOW', `the database returned ${text}, beyond JavaScript's safe integers`);
  }
  return value;
}

/**
 * BIGINT (ids, epoch ms, count()) and NUMERIC (sum() of BIGINT) come back as numbers, as they do on
 * SQLite. Scoped to our pools, never set globally on the pg module.
 */
export const panoptesTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => toSafeNumber(value);
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};
