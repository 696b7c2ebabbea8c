import type { Kysely } from 'kysely';
import { CryptoError } from './errors.js';
import { ENCRYPTED_FIELDS, type EncryptedField } from './encrypted-fields.js';
import { isEncrypted, type FieldCipher } from './field-cipher.js';

type Row = Record<string, unknown>;
type LooseDatabase = Record<string, Row>;

/** What rotation needs of a database handle (db-core's `Database` fits). */
export interface RotationDatabase<DB> {
  readonly read: Kysely<DB>;
  write<T>(unit: (tx: { readonly db: Kysely<DB> }) => Promise<T>): Promise<T>;
}

/** The logger shape Panoptes libraries take. */
export interface RotationLogger {
  info(context: Record<string, unknown>, message: string): void;
}

export interface FieldRotationReport {
  readonly name: string;
  /** Rows read. */
  scanned: number;
  /** Values re-encrypted from an older key to the primary. */
  rotated: number;
  /** Plaintext values encrypted for the first time. */
  encryptedPlaintext: number;
  /** Rows changed by someone else between read and write: left as they were. */
  conflicts: number;
}

export interface RotationReport {
  readonly primaryKeyId: string;
  readonly fields: readonly FieldRotationReport[];
  readonly rotated: number;
}

export interface RotationOptions {
  readonly fields?: readonly EncryptedField[];
  /** Rows per read and per write unit. Default 200. */
  readonly batchSize?: number;
  readonly logger?: RotationLogger;
  /** Called after every committed batch (progress bars; tests interrupt here). */
  readonly onBatch?: (field: FieldRotationReport) => void | Promise<void>;
}

/**
 * Re-encrypts every encrypted value of the schema under the ring's primary key, in batches, each
 * its own transaction. Safe to interrupt and to run again: values already on the primary key are
 * left alone, and a value changed meanwhile is not overwritten (compare-and-swap).
 */
export async function rotateEncryptedFields<DB>(database: RotationDatabase<DB>, cipher: FieldCipher, options: RotationOptions = {}): Promise<RotationReport> {
  const db = database as unknown as RotationDatabase<LooseDatabase>;
  const batchSize = options.batchSize ?? 200;
  const reports: FieldRotationReport[] = [];
  for (const field of options.fields ?? ENCRYPTED_FIELDS) {
    const report: FieldRotationReport = { name: field.name, scanned: 0, rotated: 0, encryptedPlaintext: 0, conflicts: 0 };
    reports.push(report);
    let cursor: unknown;
    for (;;) {
      let query = db.read
        .selectFrom(field.table)
        .select([field.key, field.column, ...(field.extraColumns ?? [])])
        .where(field.column, 'is not', null)
        .orderBy(field.key)
        .limit(batchSize);
      if (cursor !== undefined) query = query.where(field.key, '>', cursor);
      const rows = (await query.execute()) as Row[];
      if (rows.length === 0) break;
      cursor = rows.at(-1)![field.key];
      report.scanned += rows.length;
      const changes = rows.flatMap((row) => {
        const result = rotateValue(cipher, field, row);
        return result === undefined ? [] : [{ row, ...result }];
      });
      if (changes.length > 0) {
        const written = await db.write(async (tx) => {
          const done: typeof changes = [];
          for (const change of changes) {
            const updated = await tx.db
              .updateTable(field.table)
              .set({ [field.column]: change.value })
              .where(field.key, '=', change.row[field.key])
              .where(field.column, '=', change.row[field.column])
              .executeTakeFirst();
            if (Number(updated.numUpdatedRows) === 1) done.push(change);
          }
          return done;
        });
        for (const change of written) {
          if (change.kind === 'rotated') report.rotated += 1;
          else report.encryptedPlaintext += 1;
        }
        report.conflicts += changes.length - written.length;
      }
      options.logger?.info({ field: field.name, scanned: report.scanned, rotated: report.rotated }, 'key rotation progress');
      await options.onBatch?.(report);
    }
  }
  return { primaryKeyId: cipher.ring.primary.id, fields: reports, rotated: reports.reduce((n, r) => n + r.rotated + r.encryptedPlaintext, 0) };
}

/** The new stored value for a row, or undefined when it is already current. */
function rotateValue(cipher: FieldCipher, field: EncryptedField, row: Row): { value: string; kind: 'rotated' | 'plaintext' } | undefined {
  const stored = row[field.column];
  if (typeof stored !== 'string') return undefined;
  const where = { field: field.name, row: row[field.key] };
  const reseal = (value: string, purpose: string): string | undefined => {
    if (!cipher.needsRotation(value)) return undefined;
    try {
      return cipher.encrypt(cipher.decrypt(value, purpose), purpose);
    } catch (error) {
      if (error instanceof CryptoError) throw new CryptoError(error.code, `${field.name} row ${String(where.row)}: ${error.message}`, { ...error.context, ...where });
      throw error;
    }
  };
  if (field.encoding === 'text') {
    if (!isEncrypted(stored) && field.encryptPlaintext !== true) return undefined;
    const value = reseal(stored, field.purpose(row));
    return value === undefined ? undefined : { value, kind: isEncrypted(stored) ? 'rotated' : 'plaintext' };
  }
  const parsed = parseJson(stored);
  if (field.encoding === 'json-string') {
    if (typeof parsed !== 'string' || !isEncrypted(parsed)) return undefined;
    const value = reseal(parsed, field.purpose(row));
    return value === undefined ? undefined : { value: JSON.stringify(value), kind: 'rotated' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  let changed = false;
  const object: Row = { ...(parsed as Row) };
  for (const [name, value] of Object.entries(object)) {
    if (typeof value !== 'string' || !isEncrypted(value)) continue;
    const next = reseal(value, field.purpose(row, name));
    if (next !== undefined) {
      object[name] = next;
      changed = true;
    }
  }
  return changed ? { value: JSON.stringify(object), kind: 'rotated' } : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
