import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { CryptoError } from './errors.js';

export const KEY_BYTES = 32;
const HOW_TO_GENERATE = 'Generate one with: openssl rand -base64 32 (or node -e "console.log(crypto.randomBytes(32).toString(\'base64\'))")';

/** A master key: 32 bytes and the id derived from them. */
export interface MasterKey {
  /** First 12 hex digits of the fingerprint: names the key inside ciphertexts. */
  readonly id: string;
  readonly fingerprint: string;
  readonly bytes: Buffer;
}

/**
 * A one-way fingerprint of a key, safe to store (backups record it so a restore with another key
 * can be refused): HMAC-SHA256 keyed with the key over a fixed label, hex.
 */
export function keyFingerprint(bytes: Buffer): string {
  return createHmac('sha256', bytes).update('panoptes master key fingerprint v1').digest('hex');
}

export function toMasterKey(bytes: Buffer): MasterKey {
  if (bytes.length !== KEY_BYTES) {
    throw new CryptoError('INVALID_MASTER_KEY', `a master key must be exactly ${KEY_BYTES} bytes, got ${bytes.length}. ${HOW_TO_GENERATE}`);
  }
  const fingerprint = keyFingerprint(bytes);
  return { id: fingerprint.slice(0, 12), fingerprint, bytes };
}

/** Parses base64 of exactly 32 bytes; anything else is refused with how to make a good one. */
export function parseMasterKey(text: string, source = 'PANOPTES_MASTER_KEY'): MasterKey {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) {
    throw new CryptoError('INVALID_MASTER_KEY', `${source} is not base64 of ${KEY_BYTES} bytes. ${HOW_TO_GENERATE}`, { source });
  }
  const bytes = Buffer.from(trimmed, 'base64');
  if (bytes.length !== KEY_BYTES) {
    throw new CryptoError('INVALID_MASTER_KEY', `${source} decodes to ${bytes.length} bytes; it must be exactly ${KEY_BYTES}. ${HOW_TO_GENERATE}`, { source });
  }
  return toMasterKey(bytes);
}

/** A fresh random master key, as base64 text. */
export function generateMasterKey(random: (n: number) => Buffer = randomBytes): string {
  return random(KEY_BYTES).toString('base64');
}

export interface LoadMasterKeysOptions {
  /** The value of PANOPTES_MASTER_KEY, if set: one key, or several separated by commas (first is primary). */
  readonly envValue?: string | undefined;
  /** The key file: one base64 key per line, first is primary; `#` starts a comment. */
  readonly keyFile: string;
  /** Create the key file (mode 0600) with a fresh key when it does not exist and no env key is set. */
  readonly createIfMissing?: boolean;
  /** The database folder: a key file inside it (or next to the database) earns a warning. */
  readonly dataDir?: string;
  readonly random?: (n: number) => Buffer;
}

export interface LoadedMasterKeys {
  readonly keys: readonly MasterKey[];
  readonly source: 'env' | 'file';
  readonly created: boolean;
  /** Things an operator should fix; the caller logs them at start-up. */
  readonly warnings: readonly string[];
}

/** Loads the master keys from the environment value or the key file (created on first start). */
export function loadMasterKeys(options: LoadMasterKeysOptions): LoadedMasterKeys {
  const warnings: string[] = [];
  if (options.envValue !== undefined && options.envValue.trim() !== '') {
    const keys = options.envValue.split(',').map((part, i) => parseMasterKey(part, i === 0 ? 'PANOPTES_MASTER_KEY' : `PANOPTES_MASTER_KEY (key ${i + 1})`));
    return { keys, source: 'env', created: false, warnings };
  }
  const keyFile = resolve(options.keyFile);
  let created = false;
  if (!existsSync(keyFile)) {
    if (options.createIfMissing !== true) {
      throw new CryptoError('KEY_FILE_UNREADABLE', `no master key: PANOPTES_MASTER_KEY is not set and the key file ${keyFile} does not exist`, { keyFile });
    }
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, `# Panoptes master key: keep it safe and apart from your backups.\n${generateMasterKey(options.random)}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
    chmodSync(keyFile, 0o600);
    created = true;
  }
  const lines = readFileSync(keyFile, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '');
  if (lines.length === 0) throw new CryptoError('INVALID_MASTER_KEY', `the key file ${keyFile} holds no key`, { keyFile });
  const keys = lines.map((line, i) => parseMasterKey(line, `${keyFile} line ${i + 1}`));
  if ((statSync(keyFile).mode & 0o077) !== 0) warnings.push(`the key file ${keyFile} can be read by other users: chmod 600 it`);
  if (options.dataDir !== undefined && isInside(keyFile, resolve(options.dataDir))) {
    warnings.push(`the key file ${keyFile} sits in the data folder ${resolve(options.dataDir)}: move it out, so a copy of the data folder does not carry the key`);
  }
  return { keys, source: 'file', created, warnings };
}

function isInside(file: string, dir: string): boolean {
  const rel = relative(dir, dirname(file));
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}
