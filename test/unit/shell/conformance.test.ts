/**
 * buildkit's own lexer vectors (test/fixtures/conformance/shell, read as README §4 and §5
 * of test/fixtures/conformance/README.md describe), each one run as its own test.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ShellExpansionError, ShellLexer } from '../../../electron/builder/shell';

const FIXTURES = new URL('../../fixtures/conformance/shell/', import.meta.url);

/** The file's lines the way Go's bufio.Scanner gives them: no final empty line, no `\r`. */
function readLines(name: string): string[] {
  const lines = readFileSync(new URL(name, FIXTURES), 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line) => line.replace(/\r$/, ''));
}

interface EnvVarVector {
  line: number;
  platform: 'A' | 'U' | 'W';
  input: string;
  expected: string;
}

function readEnvVarVectors(): EnvVarVector[] {
  const vectors: EnvVarVector[] = [];
  readLines('envVarTest').forEach((raw, index) => {
    if (raw.startsWith('#')) return;
    const line = raw.trim();
    if (line === '') return;
    const fields = line.split('|');
    if (fields.length !== 3) throw new Error(`envVarTest:${index + 1}: expected 3 fields, got ${fields.length}`);
    const [platform, input, expected] = fields.map((field) => field.trim()) as [string, string, string];
    if (platform !== 'A' && platform !== 'U' && platform !== 'W') {
      throw new Error(`envVarTest:${index + 1}: unknown platform ${platform}`);
    }
    vectors.push({ line: index + 1, platform, input, expected });
  });
  return vectors;
}

interface WordsVector {
  line: number;
  input: string;
  expected: string[];
  env: Map<string, string>;
}

function readWordsVectors(): WordsVector[] {
  const vectors: WordsVector[] = [];
  const env = new Map<string, string>();
  readLines('wordsTest').forEach((line, index) => {
    if (line.startsWith('#')) return;
    if (line.startsWith('ENV ')) {
      // The value is kept verbatim: two vectors depend on its trailing spaces.
      const definition = line.slice(3).replace(/^ +/, '');
      const equals = definition.indexOf('=');
      if (equals < 0) env.set(definition, '');
      else env.set(definition.slice(0, equals), definition.slice(equals + 1));
      return;
    }
    const parts = line.split('|');
    if (parts.length !== 2) throw new Error(`wordsTest:${index + 1}: expected exactly one |`);
    const [input, expected] = parts as [string, string];
    vectors.push({
      line: index + 1,
      input: input.trim(),
      expected: expected.replace(/^ +/, '').split(','),
      env: new Map(env),
    });
  });
  return vectors;
}

const envVarVectors = readEnvVarVectors();
const linuxEnvVarVectors = envVarVectors.filter((vector) => vector.platform !== 'W');
const wordsVectors = readWordsVectors();

describe('envVarTest (single-word mode)', () => {
  const env = new Map([
    ['PWD', '/home'],
    ['SHELL', 'bash'],
    ['KOREAN', '한국어'],
    ['NULL', ''],
  ]);
  const lexer = new ShellLexer();

  it('has every vector the README counts', () => {
    expect(envVarVectors).toHaveLength(230);
    expect(envVarVectors.filter((vector) => vector.platform === 'W')).toHaveLength(2);
    expect(linuxEnvVarVectors).toHaveLength(228);
    expect(linuxEnvVarVectors.filter((vector) => vector.expected === 'error')).toHaveLength(36);
    expect(linuxEnvVarVectors.filter((vector) => vector.expected === '')).toHaveLength(57);
  });

  for (const { line, input, expected } of linuxEnvVarVectors) {
    it(`line ${line}: ${JSON.stringify(input)}`, () => {
      if (expected === 'error') {
        expect(() => lexer.processWord(input, env)).toThrow(ShellExpansionError);
      } else {
        expect(lexer.processWord(input, env)).toBe(expected);
      }
    });
  }
});

describe('wordsTest (multi-word mode)', () => {
  const lexer = new ShellLexer();

  it('has every vector the README counts', () => {
    expect(wordsVectors).toHaveLength(24);
    expect(wordsVectors.filter((vector) => vector.expected.join(',') === 'error')).toHaveLength(1);
    // The trailing spaces of `ENV trailing=ab c   ` survived the copy.
    expect(wordsVectors.at(-1)?.env.get('trailing')).toBe('ab c   ');
  });

  for (const { line, input, expected, env } of wordsVectors) {
    it(`line ${line}: ${JSON.stringify(input)}`, () => {
      if (expected.join(',') === 'error') {
        expect(() => lexer.processWords(input, env)).toThrow(ShellExpansionError);
      } else {
        expect(lexer.processWords(input, env)).toEqual(expected);
      }
    });
  }
});
