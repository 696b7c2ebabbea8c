import { CryptoError } from './errors.js';
import type { MasterKey } from './master-key.js';

/** Several master keys by id: the primary encrypts, any of them decrypts. */
export class KeyRing {
  readonly primary: MasterKey;
  readonly #byId: ReadonlyMap<string, MasterKey>;

  constructor(keys: readonly MasterKey[]) {
    const [primary] = keys;
    if (primary === undefined) throw new CryptoError('INVALID_MASTER_KEY', 'a key ring needs at least one key');
    this.primary = primary;
    this.#byId = new Map(keys.map((k) => [k.id, k]));
  }

  get ids(): readonly string[] {
    return [...this.#byId.keys()];
  }

  get(id: string): MasterKey {
    const key = this.#byId.get(id);
    if (key === undefined) {
      throw new CryptoError('UNKNOWN_KEY', `the value was encrypted with master key ${id}, which is not configured (configured: ${this.ids.join(', ')})`, {
        keyId: id,
      });
    }
    return key;
  }
}
