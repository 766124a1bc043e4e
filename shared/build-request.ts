/**
 * What a build is asked to do, checked at the bridge (a renderer's `slipway:build:start`) and
 * when a build record is read back (history import): one validator for both.
 */
import type { BuildRequest } from './contract';
import { isStepIds } from './debug';
import { isEngineName } from './engines';
import { isArrayOf, isBoolean, isRecord, isShape, isString, type Validator } from './validate';

/** A build secret for `RUN --mount=type=secret`: a file or an environment variable of the machine Slipway runs on. */
export interface BuildSecret {
  id: string;
  src?: string;
  env?: string;
}

export const isStringRecord: Validator<Record<string, string>> = (v): v is Record<string, string> =>
  isRecord(v) && Object.values(v).every(isString);

const isSecretId: Validator<string> = (v): v is string => isString(v) && /^[a-zA-Z0-9_.-]{1,128}$/.test(v);
const isSecret = isShape<BuildSecret>({ id: isSecretId, src: isString, env: isString }, ['src', 'env']);

export const isBuildRequest = isShape<BuildRequest>(
  {
    context: isString,
    dockerfile: isString,
    target: isString,
    buildArgs: isStringRecord,
    tags: isArrayOf(isString),
    noCache: isBoolean,
    breakpoints: isStepIds,
    breakOnFailure: isBoolean,
    engine: isEngineName,
    secrets: isArrayOf(isSecret),
  },
  ['target', 'breakpoints', 'breakOnFailure', 'engine', 'secrets'],
);

/**
 * The app's build secrets field: `id=NAME,src=FILE` or `id=NAME,env=VAR`, several separated by spaces
 * or new lines (buildx's `--secret` syntax). Only where each secret comes from is sent; main
 * reads the value when a RUN mounts it.
 */
export function parseSecrets(text: string): { secrets: BuildSecret[] } | { error: string } {
  const secrets: BuildSecret[] = [];
  for (const spec of text.split(/\s+/).filter(Boolean)) {
    const secret: Partial<BuildSecret> = {};
    for (const field of spec.split(',')) {
      const eq = field.indexOf('=');
      const key = eq < 0 ? field : field.slice(0, eq);
      const value = field.slice(eq + 1);
      if (eq < 0 || !value) return { error: `"${spec}": ${key} needs a value (key=value)` };
      if (key === 'id') secret.id = value;
      else if (key === 'src' || key === 'source') secret.src = value;
      else if (key === 'env') secret.env = value;
      else return { error: `"${spec}": unknown key "${key}" (id, src or env)` };
    }
    if (!secret.id) return { error: `"${spec}": missing id=` };
    if (!secret.src === !secret.env) return { error: `"${spec}": give either src=FILE or env=VAR` };
    secrets.push(secret as BuildSecret);
  }
  return { secrets };
}
