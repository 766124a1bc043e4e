/**
 * ssh:// engines: the remote host's key must be one `~/.ssh/known_hosts` lists for it, as `ssh`
 * (which the docker CLI runs) requires without a terminal to ask on. Plain, wildcard and hashed
 * (`|1|salt|hash`) host patterns; `@revoked` keys are refused; `@cert-authority` lines are not
 * host keys and are skipped.
 */
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

/** How known_hosts names a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatches(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(name);
}

function hashedMatches(pattern: string, name: string): boolean {
  const [, kind, salt, hash] = pattern.split('|');
  if (kind !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

/** Whether a host field (`a,b,!c` or a hashed entry) names `name`. */
function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedMatches(field, name);
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (globMatches(pattern.slice(1), name)) return false;
    } else if (globMatches(pattern, name)) matched = true;
  }
  return matched;
}

export interface KnownKeys {
  /** The host's keys (base64 of the key blob, as the file holds them). */
  keys: Set<string>;
  revoked: Set<string>;
}

export function knownKeysFor(file: string, name: string): KnownKeys {
  const keys = new Set<string>();
  const revoked = new Set<string>();
  if (!existsSync(file)) return { keys, revoked };
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    const marker = parts[0]!.startsWith('@') ? parts.shift() : undefined;
    const [field, , key] = parts;
    if (!field || !key || marker === '@cert-authority' || !hostFieldMatches(field, name)) continue;
    (marker === '@revoked' ? revoked : keys).add(key);
  }
  return { keys, revoked };
}

/** ssh2's `hostVerifier`: true only for a key known_hosts lists for the host (and has not revoked). */
export function hostKeyVerifier(file: string, host: string, port: number): (key: Buffer) => boolean {
  return (key) => {
    const { keys, revoked } = knownKeysFor(file, knownHostName(host, port));
    const blob = key.toString('base64');
    return keys.has(blob) && !revoked.has(blob);
  };
}
