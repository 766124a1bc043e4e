import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh secret per launch: 32 random bytes, URL-safe, so it goes into a query string as is. */
export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison; a missing or differently sized token is simply wrong. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  // timingSafeEqual needs equal lengths; the token's length is no secret.
  return a.length === b.length && timingSafeEqual(a, b);
}
