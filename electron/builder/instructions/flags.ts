/**
 * Instruction flags (`--from=x`, `--link`, `--mount=...` repeated), with the rules and messages of
 * BuildKit's BFlags: every flag must be declared by its instruction; strings need a value;
 * booleans take none or true/false; only list flags may repeat.
 */
export type FlagKind = 'string' | 'bool' | 'list';
export type FlagSpec = Readonly<Record<string, FlagKind>>;

export type FlagValues<S extends FlagSpec> = {
  [K in keyof S]: S[K] extends 'list' ? string[] : S[K] extends 'bool' ? boolean | undefined : string | undefined;
};

export class FlagError extends Error {}

export function parseFlags<S extends FlagSpec>(raw: readonly string[], spec: S): FlagValues<S> {
  const values: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(spec)) values[name] = kind === 'list' ? [] : undefined;
  const seen = new Set<string>();

  for (const arg of raw) {
    if (!arg.startsWith('--')) throw new FlagError(`Arguments should start with -- : ${arg}`);
    const body = arg.slice(2);
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const value = eq < 0 ? undefined : body.slice(eq + 1);
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!kind) throw new FlagError(unknownFlagMessage(name, Object.keys(spec)));
    if (kind !== 'list' && seen.has(name)) throw new FlagError(`Duplicate flag specified: ${name}`);
    seen.add(name);

    switch (kind) {
      case 'bool': {
        const v = value === undefined ? 'true' : value.toLowerCase();
        if (v !== 'true' && v !== 'false') throw new FlagError(`Expecting boolean value for flag ${name}, not: ${value}`);
        values[name] = v === 'true';
        break;
      }
      case 'string':
        if (value === undefined) throw new FlagError(`Missing a value on flag: ${name}`);
        values[name] = value;
        break;
      case 'list':
        if (value === undefined) throw new FlagError(`Missing a value on flag: ${name}`);
        (values[name] as string[]).push(value);
        break;
    }
  }
  return values as FlagValues<S>;
}

function unknownFlagMessage(name: string, known: string[]): string {
  if (known.length === 0) return `Unknown flag: ${name} (this instruction takes no flags)`;
  return `Unknown flag: ${name} (accepted: ${known.map((k) => `--${k}`).join(', ')})`;
}
