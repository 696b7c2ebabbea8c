import { hash, parseOptions, verify } from '@node-rs/argon2';
import { CryptoError } from './errors.js';

/** argon2id (the binding's `Algorithm.Argon2id`; a const enum cannot be imported here). */
const ARGON2ID = 2;

export interface PasswordParameters {
  /** KiB of memory. */
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

/** OWASP's recommended argon2id configuration: 19 MiB, 2 iterations, 1 lane. */
export const OWASP_ARGON2ID: PasswordParameters = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

const MAX_PASSWORD_BYTES = 1024;

function checkLength(password: string): void {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw new CryptoError('INVALID_ARGUMENT', `passwords are limited to ${MAX_PASSWORD_BYTES} bytes`);
  }
}

/** Hashes a password with argon2id; the result is a PHC string that carries its parameters. */
export async function hashPassword(password: string, parameters: PasswordParameters = OWASP_ARGON2ID): Promise<string> {
  checkLength(password);
  return hash(password, { algorithm: ARGON2ID, ...parameters });
}

/** Checks a password against a stored hash; a malformed hash is a mismatch, never a crash. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) return false;
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** True when a stored hash was made with other parameters (or another algorithm): rehash at next login. */
export function needsRehash(stored: string, parameters: PasswordParameters = OWASP_ARGON2ID): boolean {
  try {
    const used = parseOptions(stored);
    return (
      used.algorithm !== ARGON2ID ||
      used.memoryCost !== parameters.memoryCost ||
      used.timeCost !== parameters.timeCost ||
      used.parallelism !== parameters.parallelism
    );
  } catch {
    return true;
  }
}
