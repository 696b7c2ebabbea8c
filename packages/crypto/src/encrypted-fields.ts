/** Purposes (associated data) of the encrypted values in the schema. */
export const PURPOSES = {
  totpSecret: (userId: number): string => `users.totp_secret_encrypted#${userId}`,
  recoveryCodes: (userId: number): string => `users.totp_recovery_codes_encrypted#${userId}`,
  /** A secret setting (OIDC client secret, VAPID private key, ...), bound to its key. */
  setting: (key: string): string => `settings.value#${key}`,
  /** The base for a notification channel's SecretConfig, bound to the channel type. */
  channelConfig: (type: string): string => `notification_channels.config#${type}`,
} as const;

/** A column that holds encrypted values, as rotation walks it. */
export interface EncryptedField {
  /** For reports: `table.column`. */
  readonly name: string;
  readonly table: string;
  /** A unique column to page by and to update by. */
  readonly key: string;
  readonly column: string;
  /** Other columns the purpose needs. */
  readonly extraColumns?: readonly string[];
  /**
   * `text`: the column is the value. `json-string`: the column is JSON holding one string (a
   * setting). `json-object`: a JSON object whose top-level string fields may be encrypted.
   */
  readonly encoding: 'text' | 'json-string' | 'json-object';
  readonly purpose: (row: Readonly<Record<string, unknown>>, field?: string) => string;
  /** Encrypt plaintext found in the column (only where every value is a secret). */
  readonly encryptPlaintext?: boolean;
}

/** Every encrypted column of the Panoptes schema. */
export const ENCRYPTED_FIELDS: readonly EncryptedField[] = [
  {
    name: 'users.totp_secret_encrypted',
    table: 'users',
    key: 'id',
    column: 'totp_secret_encrypted',
    encoding: 'text',
    purpose: (row) => PURPOSES.totpSecret(Number(row.id)),
    encryptPlaintext: true,
  },
  {
    name: 'users.totp_recovery_codes_encrypted',
    table: 'users',
    key: 'id',
    column: 'totp_recovery_codes_encrypted',
    encoding: 'text',
    purpose: (row) => PURPOSES.recoveryCodes(Number(row.id)),
    encryptPlaintext: true,
  },
  {
    name: 'settings.value',
    table: 'settings',
    key: 'key',
    column: 'value',
    encoding: 'json-string',
    purpose: (row) => PURPOSES.setting(String(row.key)),
  },
  {
    name: 'notification_channels.config',
    table: 'notification_channels',
    key: 'id',
    column: 'config',
    extraColumns: ['type'],
    encoding: 'json-object',
    purpose: (row, field) => `${PURPOSES.channelConfig(String(row.type))}.${field}`,
  },
];
