import { randomBytes } from 'node:crypto';
import { constantTimeEqual } from '@panoptes/crypto';

/**
 * While no user exists, creating the first admin needs this one-time token, printed to the
 * console at start: an exposed fresh install cannot be claimed by a stranger.
 */
export class SetupToken {
  #token: string | null;

  constructor(needed: boolean) {
    this.#token = needed ? randomBytes(18).toString('base64url') : null;
  }

  get value(): string | null {
    return this.#token;
  }

  /** True (once) for the right token. */
  consume(candidate: string): boolean {
    if (this.#token === null || !constantTimeEqual(this.#token, candidate)) return false;
    this.#token = null;
    return true;
  }
}
