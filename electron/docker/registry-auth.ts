/**
 * Registry credentials for pulls, from the docker CLI's config.json (`docker login` writes it):
 * `credHelpers[registry]` or `credsStore` (a `docker-credential-<name>` program), else `auths`
 * (base64 `auth`, `username`/`password`, or `identitytoken`). Credentials go to the engine in the
 * pull's X-Registry-Auth header and nowhere else: never into a message, a log or an event.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockerConfigDir } from './endpoints';

/** What the Engine API takes as a pull's registry auth. */
export interface RegistryAuth {
  serveraddress: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

/** The credentials exist but cannot be read (a helper that is missing or fails, a broken config). */
export class RegistryAuthError extends Error {
  override readonly name = 'RegistryAuthError';
}

/** Docker Hub's key in config.json, whatever name the image uses for it. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

type Env = Record<string, string | undefined>;

/** The registry of an image reference, as the engine reads it: `docker.io` unless the first part names a host. */
export function registryOf(ref: string): string {
  const slash = ref.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = ref.slice(0, slash);
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase();
  if (!isHost || first === 'index.docker.io' || first === 'registry-1.docker.io') return 'docker.io';
  return first;
}

/** `https://host:port/v2/` -> `host:port`: how the CLI matches config keys to a registry. */
function hostnameOfKey(key: string): string {
  const stripped = key.replace(/^https?:\/\//, '');
  return stripped.split('/')[0] ?? stripped;
}

interface ConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** The credentials config.json holds for the image's registry, or undefined (an anonymous pull). */
export async function registryAuthFor(ref: string, env: Env = process.env): Promise<RegistryAuth | undefined> {
  const registry = registryOf(ref);
  const serveraddress = registry === 'docker.io' ? DOCKER_HUB_AUTH_KEY : registry;
  const file = join(dockerConfigDir(env), 'config.json');
  if (!existsSync(file)) return undefined;
  let config: ConfigFile;
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as ConfigFile;
  } catch {
    throw new RegistryAuthError(`${file} is not valid JSON: cannot read the credentials for ${registry}`);
  }
  const helper = config.credHelpers?.[serveraddress] ?? config.credHelpers?.[registry] ?? config.credsStore;
  if (helper) {
    const fromHelper = await credentialHelperGet(helper, serveraddress, file, env);
    if (fromHelper) return fromHelper;
  }
  const match = Object.entries(config.auths ?? {}).find(([key]) => {
    const host = hostnameOfKey(key);
    return registry === 'docker.io' ? key === DOCKER_HUB_AUTH_KEY || host === 'index.docker.io' || host === 'docker.io' : host === registry;
  });
  if (!match) return undefined;
  const entry = match[1];
  if (entry.identitytoken) return { serveraddress, identitytoken: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new RegistryAuthError(`the saved login for ${registry} in ${file} is malformed (its "auth" is not base64 of user:password)`);
    return { serveraddress, username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username && entry.password) return { serveraddress, username: entry.username, password: entry.password };
  return undefined;
}

/** `docker-credential-<name> get`: the server address on stdin, JSON on stdout; "not found" is no credentials. */
function credentialHelperGet(name: string, serverUrl: string, configFile: string, env: Env): Promise<RegistryAuth | undefined> {
  const program = `docker-credential-${name}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const timer = setTimeout(() => child.kill(), 60_000);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.resume();
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new RegistryAuthError(
          err.code === 'ENOENT'
            ? `${configFile} stores credentials with "${name}", but ${program} is not installed (not on PATH): install it, or remove "${name}" from that file and \`docker login\` again`
            : `${program} could not run: ${err.message}`,
        ),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const text = Buffer.concat(out).toString('utf8').trim();
      if (code !== 0) {
        // Helpers say "credentials not found" on stdout with a failure status: an anonymous pull.
        if (/not found/i.test(text)) resolve(undefined);
        else reject(new RegistryAuthError(`${program} get failed (exit status ${code}) for ${serverUrl}`));
        return;
      }
      try {
        const creds = JSON.parse(text) as { Username?: string; Secret?: string };
        if (!creds.Secret) return resolve(undefined);
        resolve(creds.Username === '<token>' ? { serveraddress: serverUrl, identitytoken: creds.Secret } : { serveraddress: serverUrl, username: creds.Username ?? '', password: creds.Secret });
      } catch {
        reject(new RegistryAuthError(`${program} get answered something other than JSON for ${serverUrl}`));
      }
    });
    child.stdin.on('error', () => {});
    child.stdin.end(serverUrl);
  });
}
