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
