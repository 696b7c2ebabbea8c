export { CryptoError, CRYPTO_ERROR_CODES, type CryptoErrorCode } from './errors.js';
export {
  generateMasterKey,
  keyFingerprint,
  loadMasterKeys,
  parseMasterKey,
  toMasterKey,
  KEY_BYTES,
  type LoadedMasterKeys,
  type LoadMasterKeysOptions,
  type MasterKey,
} from './master-key.js';
export { KeyRing } from './key-ring.js';
export { FieldCipher, CIPHERTEXT_PREFIX, ciphertextKeyId, isEncrypted, type FieldCipherOptions } from './field-cipher.js';
export { SecretConfig, UNCHANGED_SECRET } from './secret-config.js';
export { ENCRYPTED_FIELDS, PURPOSES, type EncryptedField } from './encrypted-fields.js';
export {
  rotateEncryptedFields,
  type FieldRotationReport,
  type RotationDatabase,
  type RotationLogger,
  type RotationOptions,
  type RotationReport,
} from './rotation.js';
export { hashPassword, needsRehash, verifyPassword, OWASP_ARGON2ID, type PasswordParameters } from './passwords.js';
export { generateTotpSecret, totpUri, verifyTotp, TOTP_DIGITS, TOTP_PERIOD_SECONDS, type TotpResult, type VerifyTotpOptions } from './totp.js';
export { consumeRecoveryCode, generateRecoveryCodes, hashRecoveryCodes, RECOVERY_CODE_COUNT } from './recovery-codes.js';
export { constantTimeEqual, generateToken, hashToken, TOKEN_BYTES, TOKEN_PREFIXES, type TokenKind } from './tokens.js';
export {
  generateWebhookSecret,
  signWebhook,
  verifyWebhook,
  WEBHOOK_TOLERANCE_SECONDS,
  type WebhookHeaders,
  type WebhookVerification,
} from './webhook-signature.js';
