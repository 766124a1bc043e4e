import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh secret per launch: 32 random bytes, URL-safe, so it goes into a query string as is. */
export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time comparison; a missing token is simply wrong. Both sides are hashed first, so
 * timingSafeEqual always compares 32 bytes with 32 bytes: the time taken says nothing about
 * how much of the token, or how long a token, a guess got right.
 */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  return timingSafeEqual(digest(expected), digest(given));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
