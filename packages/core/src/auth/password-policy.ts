/**
 * Password rules (issue 3, "Accounts and sign-in"; NIST SP 800-63B §5.1.1.2): at least 8 and at
 * most 128 characters (counted as Unicode code points), not one of a list of common passwords,
 * not the account's own email address. No composition rules (they make passwords worse).
 */

/** Fewest characters (code points) a password may have. */
export const PASSWORD_MIN_LENGTH = 8;
/** Most characters (code points) a password may have. */
export const PASSWORD_MAX_LENGTH = 128;

/**
 * What is wrong with a new password, as a message for the field, or null when it is acceptable.
 * @param password the candidate, as typed (not trimmed: spaces count).
 * @param opts.isCommon whether the (lower-cased) password is in the common-password list.
 * @param opts.email the account's email address, when known.
 */
export function passwordProblem(
  password: string,
  opts: { isCommon: (lowerCased: string) => boolean; email?: string | undefined },
): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (opts.isCommon(lower)) return 'This password is too common; choose another';
  if (opts.email && lower === opts.email.trim().toLowerCase()) return 'Do not use your email address';
  return null;
}
