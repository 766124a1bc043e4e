// BuildKit's parser vectors (test/fixtures/conformance/parser, README §3).

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DockerfileError } from '../../../electron/builder/errors';
import { dumpNode, parseDockerfile } from '../../../electron/builder/parser';

const vectors = fileURLToPath(new URL('../../fixtures/conformance/parser/', import.meta.url));

function caseNames(dir: string): string[] {
  return readdirSync(vectors + dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function readBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(vectors + path));
}

describe('parser conformance: testfiles (positive)', () => {
  const cases = caseNames('testfiles');

  it('finds all 33 cases', () => {
    expect(cases).toHaveLength(33);
  });

  for (const name of cases) {
    it(name, () => {
      const result = parseDockerfile(readBytes(`testfiles/${name}/Dockerfile`));
      const expected = readFileSync(`${vectors}testfiles/${name}/result`, 'utf8').replace(/\r\n/g, '\n');
      expect(result.nodes.map(dumpNode).join('\n') + '\n').toBe(expected);
    });
  }
});

describe('parser conformance: testfiles-negative', () => {
  const cases = caseNames('testfiles-negative');

  it('finds all 4 cases', () => {
    expect(cases).toHaveLength(4);
  });

  const expectedMessages: Record<string, string> = {
    empty_dockerfile: 'file with no instructions',
    only_comments: 'file with no instructions',
    env_no_value: 'ENV must have two arguments',
    'shykes-nested-json': 'when using JSON array syntax, arrays must be comprised of strings only',
  };

  for (const name of cases) {
    it(name, () => {
      let thrown: unknown;
      try {
        parseDockerfile(readBytes(`testfiles-negative/${name}/Dockerfile`));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(DockerfileError);
      expect((thrown as DockerfileError).message).toBe(expectedMessages[name]);
      expect((thrown as DockerfileError).range).toBeDefined();
    });
  }
});

describe('parser conformance: testfile-line', () => {
  it('gives each instruction its physical line range', () => {
    const result = parseDockerfile(readBytes('testfile-line/Dockerfile'));
    expect(result.nodes.map((node) => node.range)).toEqual([
      { start: 5, end: 5 },
      { start: 11, end: 12 },
      { start: 17, end: 31 },
    ]);
    expect(result.range).toEqual({ start: 5, end: 31 });
  });

  it('reads the same from text as from bytes', () => {
    const text = readFileSync(`${vectors}testfile-line/Dockerfile`, 'utf8');
    expect(parseDockerfile(text)).toEqual(parseDockerfile(readBytes('testfile-line/Dockerfile')));
  });
});
