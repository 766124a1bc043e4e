import { access } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { CliError } from './errors';

/**
 * Where the Dockerfile is, as `docker build` finds it: `-f` relative to the working directory,
 * else `Dockerfile` in the context, falling back to `dockerfile`.
 */
export async function dockerfilePath(context: string, file: string | undefined): Promise<string> {
  const candidates = file !== undefined ? [isAbsolute(file) ? file : resolve(file)] : [join(context, 'Dockerfile'), join(context, 'dockerfile')];
  for (const candidate of candidates) {
    try {
      await access(candidate);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new CliError(`cannot find the Dockerfile: ${candidates[0]} does not exist`);
}
