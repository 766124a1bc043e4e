import { expect } from 'vitest';
import { DockerfileError } from '../../../electron/builder/errors';
import { dumpNode, parseDockerfile } from '../../../electron/builder/parser';
import type { ParseResult } from '../../../electron/builder/parser';

/** Dump lines of every instruction. */
export function dumps(source: string | Uint8Array): string[] {
  return parseDockerfile(source).nodes.map(dumpNode);
}

/** The DockerfileError that parsing `source` throws (fails the test if it does not throw one). */
export function parseError(source: string | Uint8Array): DockerfileError {
  let result: ParseResult | undefined;
  try {
    result = parseDockerfile(source);
  } catch (error) {
    expect(error).toBeInstanceOf(DockerfileError);
    return error as DockerfileError;
  }
  throw new Error(`expected a DockerfileError, got ${JSON.stringify(result?.nodes.map(dumpNode))}`);
}
