/** A six-digit TOTP code, spaces allowed ("123 456"); null when it is not one. */
export function normaliseCode(input: string): string | null {
  const code = input.replace(/\s+/g, '');
  return /^\d{6}$/.test(code) ? code : null;
}

/** What the sign-in TOTP step sends: six digits are an app code, anything else a recovery code. */
export function totpAnswer(input: string): { code: string } | { recoveryCode: string } {
  const code = normaliseCode(input);
  return code === null ? { recoveryCode: input.trim() } : { code };
}

/** The downloadable recovery-code file: one code a line under a short explanation. */
export function recoveryCodesText(codes: readonly string[], account: string): string {
  return `Panoptes recovery codes for ${account}\nEach code signs you in once when the authenticator app is not at hand.\n\n${codes.join('\n')}\n`;
}
