// Fuzzing the Dockerfile front end and the word expander: whatever the input, they return or
// throw their own error (DockerfileError with lines inside the file, ShellExpansionError), and
// every case finishes quickly. CI runs a fixed seed and a modest count; `npm run fuzz` runs
// 100 000 of each with a fresh seed (FUZZ_RUNS and FUZZ_SEED choose).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDockerfile } from '../../electron/builder/checks';
import { DockerfileError } from '../../electron/builder/errors';
import { loadDockerfile, outline, type OutlineOptions } from '../../electron/builder/frontend';
import { ShellExpansionError, ShellLexer, type LexerOptions, type ShellEnv } from '../../electron/builder/shell';
import { buildOptions, dockerfile, dockerfileBytes, environment, lexerOptions, word } from './fuzz-inputs';

const RUNS = Number(process.env.FUZZ_RUNS ?? 0);
const DOCKERFILE_RUNS = RUNS || 3000;
const WORD_RUNS = RUNS || 10_000;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20260607;
/** One case (a file, or a word in three modes) may take this long. */
const CASE_LIMIT_MS = 200;

/** Physical lines as the parser counts them: split after `\n` only, no empty line after a final one. */
function lineCount(source: string | Uint8Array): number {
  let count = 0;
  for (let i = 0; i < source.length; i++) if ((typeof source === 'string' ? source.charCodeAt(i) : source[i]) === 0x0a) count++;
  const last = typeof source === 'string' ? source.charCodeAt(source.length - 1) : source[source.length - 1];
  return source.length > 0 && last !== 0x0a ? count + 1 : count;
}

const show = (value: string | Uint8Array) => (typeof value === 'string' ? JSON.stringify(value) : `bytes ${Buffer.from(value).toString('hex')}`);

/** Runs `work`; a run over the limit is measured again, so one GC pause is not a failure. */
function withinTimeLimit(work: () => void, what: () => string): void {
  for (let attempt = 0; ; attempt++) {
    const start = performance.now();
    work();
    const took = performance.now() - start;
    if (took <= CASE_LIMIT_MS) return;
    if (attempt === 1) throw new Error(`took ${took.toFixed(0)} ms (limit ${CASE_LIMIT_MS}): ${what()}`);
  }
}

/** Errors about the build's options rather than a line of the file. */
const NOT_ABOUT_A_LINE = /^target stage ".*" could not be found/s;

/** The front end's contract: a result, or a DockerfileError naming lines that exist. */
function expectFrontEndContract(source: string | Uint8Array, call: () => unknown): void {
  try {
    call();
  } catch (error) {
    if (!(error instanceof DockerfileError)) {
      throw new Error(`not a DockerfileError (${String(error)}) for ${show(source)}`, { cause: error });
    }
    const lines = Math.max(1, lineCount(source));
    const range = error.range;
    if (!range && NOT_ABOUT_A_LINE.test(error.message)) return;
    if (!range || !(range.start >= 1 && range.start <= range.end && range.end <= lines)) {
      throw new Error(`error "${error.message}" has range ${JSON.stringify(range)} in a file of ${lines} lines: ${show(source)}`);
    }
  }
}

function frontEnd(source: string | Uint8Array, options: OutlineOptions): void {
  withinTimeLimit(() => {
    expectFrontEndContract(source, () => loadDockerfile(source));
    expectFrontEndContract(source, () => outline(source, options));
    // `slipway build --check` checks every stage.
    expectFrontEndContract(source, () => checkDockerfile(source));
  }, () => show(source));
}

function expand(word: string, env: ShellEnv, options: LexerOptions): void {
  const lexer = new ShellLexer(options);
  const calls = [() => lexer.processWord(word, env), () => lexer.processWords(word, env), () => lexer.processWordWithMatches(word, env)];
  withinTimeLimit(() => {
    for (const call of calls) {
      try {
        const result = call();
        if (result === undefined) throw new Error('no result');
      } catch (error) {
        if (!(error instanceof ShellExpansionError)) {
          throw new Error(`not a ShellExpansionError (${String(error)}) for ${JSON.stringify(word)} with ${JSON.stringify(options)}`, { cause: error });
        }
        expect(error.word).toBe(word);
      }
    }
  }, () => JSON.stringify(word));
}

const timeout = (cases: number) => 20_000 + cases * 5;

describe('fuzzing the Dockerfile front end', () => {
  it(`parses, types and outlines ${DOCKERFILE_RUNS} generated Dockerfiles or names their lines`, () => {
    fc.assert(fc.property(dockerfile, buildOptions, (text, options) => frontEnd(text, options)), { seed: SEED, numRuns: DOCKERFILE_RUNS });
  }, timeout(DOCKERFILE_RUNS));

  it(`does the same for ${DOCKERFILE_RUNS} of them as bytes, some of them invalid UTF-8`, () => {
    fc.assert(fc.property(dockerfileBytes, (bytes) => frontEnd(bytes, {})), { seed: SEED + 1, numRuns: DOCKERFILE_RUNS });
  }, timeout(DOCKERFILE_RUNS));
});

describe('fuzzing the word expander', () => {
  it(`expands ${WORD_RUNS} generated words or throws ShellExpansionError`, () => {
    fc.assert(fc.property(word, environment, lexerOptions, (w, env, options) => expand(w, env, options)), { seed: SEED + 2, numRuns: WORD_RUNS });
  }, timeout(WORD_RUNS));
});
