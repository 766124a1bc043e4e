/**
 * Build secrets (`--secret id=...,src=...|env=...`, buildx's syntax): where each one comes from.
 * Contents are read only when a RUN mounts them, and go only into the step's scratch volume:
 * never into an event, a log, a cache key or an image.
 */
import { readFile, stat } from 'node:fs/promises';
import { csvFields } from './mount-options';

export interface SecretSource {
  id: string;
  /** A file on this machine. */
  src?: string;
  /** An environment variable of this process. */
  env?: string;
}

/** BuildKit's limit for one secret. */
export const MAX_SECRET_SIZE = 500 * 1024;

export class SecretError extends Error {}

/**
 * `id=x,src=path` | `id=x,env=VAR` | `id=x` (the variable x if set, else the file x), also
 * `type=file|env` and `source=`; as buildx parses `--secret`.
 */
export function parseSecretFlag(value: string, environment: NodeJS.ProcessEnv = process.env): SecretSource {
  const secret: { id?: string; src?: string; env?: string } = {};
  let type: string | undefined;
  for (const field of csvFields(value, 'secrets')) {
    const eq = field.indexOf('=');
    if (eq < 0) throw new SecretError(`invalid field '${field}' must be a key=value pair`);
    const key = field.slice(0, eq).toLowerCase();
    const v = field.slice(eq + 1);
    switch (key) {
      case 'type':
        if (v !== 'file' && v !== 'env') throw new SecretError(`unsupported secret type "${v}"`);
        type = v;
        break;
      case 'id':
        secret.id = v;
        break;
      case 'source': case 'src':
        secret.src = v;
        break;
      case 'env':
        secret.env = v;
        break;
      default:
        throw new SecretError(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (type === 'env' && !secret.env) {
    secret.env = secret.src;
    delete secret.src;
  }
  const id = secret.id || secret.src || secret.env;
  if (!id) throw new SecretError('secret missing ID');
  if (!secret.src && !secret.env) {
    if (Object.hasOwn(environment, id)) secret.env = id;
    else secret.src = id;
  }
  return { id, ...(secret.src ? { src: secret.src } : {}), ...(secret.env ? { env: secret.env } : {}) };
}

/** The secrets a build was given, by id. */
export class SecretStore {
  private readonly byId = new Map<string, SecretSource>();

  constructor(
    sources: readonly SecretSource[],
    private readonly environment: NodeJS.ProcessEnv = process.env,
  ) {
    for (const source of sources) this.byId.set(source.id, source);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The secret's bytes, or undefined when the build was not given this id. */
  async read(id: string): Promise<Buffer | undefined> {
    const source = this.byId.get(id);
    if (!source) return undefined;
    if (source.env !== undefined) return Buffer.from(this.environment[source.env] ?? '');
    if (source.src === undefined) return Buffer.alloc(0);
    try {
      const info = await stat(source.src);
      if (info.size > MAX_SECRET_SIZE) throw new SecretError(`secret ${id} too big. max size 500KB`);
      return await readFile(source.src);
    } catch (err) {
      if (err instanceof SecretError) throw err;
      throw new SecretError(`failed to read secret ${id} from ${source.src}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
}
