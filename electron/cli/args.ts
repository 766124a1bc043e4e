import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './errors';

/** node:util parseArgs, with its errors turned into CLI usage errors. */
type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; strict: true }>>;

export function parseCliArgs<T extends Options>(argv: string[], options: T): Parsed<T> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

/** `K=V` pairs (`--build-arg`, `--label`) as a record; a bare `K` takes `fromEnv(K)` when defined. */
export function keyValueList(values: string[] | undefined, fromEnv?: (key: string) => string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values ?? []) {
    const eq = item.indexOf('=');
    if (eq === 0) throw new CliError(`invalid key=value pair: "${item}"`);
    if (eq > 0) out[item.slice(0, eq)] = item.slice(eq + 1);
    else {
      const value = fromEnv?.(item);
      if (value !== undefined) out[item] = value;
    }
  }
  return out;
}
