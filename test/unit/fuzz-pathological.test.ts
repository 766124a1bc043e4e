// Hand-made worst cases for the Dockerfile front end and the word expander, and one test per
// bug the fuzzing found. Each must end with a result or the front end's own error, quickly:
// the bounds are far above what linear work needs and far below what quadratic work takes.

import { describe, expect, it } from 'vitest';
import { DockerfileError } from '../../electron/builder/errors';
import { loadDockerfile, outline } from '../../electron/builder/frontend';
import { ShellExpansionError, ShellLexer } from '../../electron/builder/shell';

/** What `work` returned or threw, and how long it took. */
function timed<T>(work: () => T): { value?: T; error?: unknown; ms: number } {
  const start = performance.now();
  try {
    const value = work();
    return { value, ms: performance.now() - start };
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
}

function dockerfileError(work: () => unknown, limitMs: number): DockerfileError {
  const { error, ms } = timed(work);
  expect(error).toBeInstanceOf(DockerfileError);
  expect(ms).toBeLessThan(limitMs);
  return error as DockerfileError;
}

const lexer = new ShellLexer();
const nested = (depth: number) => '${a:-'.repeat(depth) + 'x' + '}'.repeat(depth);

describe('deeply nested substitutions (bug: a RangeError from the stack, not an expansion error)', () => {
  it('expands 256 levels of ${a:-${a:-...}}', () => {
    expect(lexer.processWord(nested(256), new Map())).toBe('x');
  });

  it('rejects 10 000 levels with a ShellExpansionError, quickly', () => {
    for (const word of [nested(10_000), '"${a:-'.repeat(10_000) + '}"'.repeat(10_000), '${a/' + '${a:-'.repeat(10_000)]) {
      const { error, ms } = timed(() => lexer.processWords(word, new Map([['a', 'y']])));
      expect(error).toBeInstanceOf(ShellExpansionError);
      expect((error as ShellExpansionError).reason).toMatch(/nested more than 256 deep|missing/);
      expect(ms).toBeLessThan(500);
    }
  });

  it('names the FROM line when a base name nests too deep', () => {
    const error = dockerfileError(() => outline(`FROM local/busybox\nFROM ${nested(2000)}\n`), 500);
    expect(error.range).toEqual({ start: 2, end: 2 });
    expect(error.message).toMatch(/nested more than 256 deep/);
  });
});

describe('ARG defaults before the first FROM (bug: ShellExpansionError without a line from outline)', () => {
  it('names the ARG line when its default does not expand', () => {
    const error = dockerfileError(() => outline('# syntax=docker/dockerfile:1\nARG a=${b\nFROM local/busybox\n'), 200);
    expect(error.message).toBe(`failed to process "\${b": syntax error: missing '}'`);
    expect(error.range).toEqual({ start: 2, end: 2 });
  });

  it('names all the lines of a continued ARG', () => {
    const error = dockerfileError(() => outline('ARG a=1 \\\n  b=${a:?unset} \\\n  c=${x?nox}\nFROM local/busybox\n'), 200);
    expect(error.message).toBe('failed to process "${x?nox}": x: nox');
    expect(error.range).toEqual({ start: 1, end: 3 });
  });
});

describe('patterns (bug: recursion per pattern character, and time growing with value length squared)', () => {
  it('matches a pattern of 20 000 characters', () => {
    const env = new Map([['a', 'x'.repeat(20_000)]]);
    expect(timed(() => lexer.processWord('${a#' + 'x'.repeat(20_000) + '}', env)).value).toBe('');
    const stars = timed(() => lexer.processWord('${a//' + '*'.repeat(20_000) + 'x/y}', env));
    expect(stars.value).toBe('y');
    expect(stars.ms).toBeLessThan(500);
  });

  it('searches a long value for a pattern that almost matches everywhere', () => {
    const env = new Map([['a', 'a'.repeat(20_000)]]);
    const { value, ms } = timed(() => lexer.processWord('${a//*a*b/y}', env));
    expect(value).toBe('a'.repeat(20_000));
    expect(ms).toBeLessThan(500);
    expect(lexer.processWord('${a%%a*}', new Map([['a', 'xa\nab']]))).toBe('xa\n');
  });

  it('still prefers what Go prefers: leftmost, then greedy or lazy wildcards', () => {
    const env = new Map([['v', 'aXbXc\naYb']]);
    expect(lexer.processWord('${v/X*/-}', env)).toBe('a-\naYb');
    expect(lexer.processWord('${v#*X}', env)).toBe('bXc\naYb');
    expect(lexer.processWord('${v##*X}', env)).toBe('c\naYb');
    expect(lexer.processWord('${v%X*}', env)).toBe('aXbXc\naYb');
    expect(lexer.processWord('${v%X*}', new Map([['v', 'aXbXc']]))).toBe('aXb');
    expect(lexer.processWord('${v%%X*}', new Map([['v', 'aXbXc']]))).toBe('a');
    expect(lexer.processWord('${v//?/.}', env)).toBe('.....\n...');
    expect(lexer.processWord('${v//**b/-}', env)).toBe('-Xc\n-');
  });
});

describe('huge inputs', () => {
  it('rejects a 1 MB line at that line', () => {
    const error = dockerfileError(() => outline(`FROM local/busybox\nRUN ${'a'.repeat(1 << 20)}\n`), 500);
    expect(error.range).toEqual({ start: 2, end: 2 });
    expect(error.message).toBe('dockerfile line greater than max allowed size of 65535');
  });

  it('joins 100 000 continuation lines into one instruction', () => {
    const { value, ms } = timed(() => outline(`FROM local/busybox\nRUN a \\\n${'b \\\n'.repeat(100_000)}c\n`));
    expect(value?.graph.steps.at(-1)?.range).toEqual({ start: 2, end: 100_003 });
    expect(ms).toBeLessThan(2000);
  });

  it('reads ONBUILD chained 100 000 deep through continuations (bug: time grew with depth squared)', () => {
    const error = dockerfileError(() => loadDockerfile(`FROM a\n${'ONBUILD \\\n'.repeat(100_000)}RUN x\n`), 2000);
    expect(error.message).toBe("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    expect(error.range).toEqual({ start: 2, end: 100_002 });
  });

  it('keeps lone surrogates out of flags and arguments, as UTF-8 bytes would', () => {
    const node = loadDockerfile('FROM a\nONBUILD COPY --chown=\ud800 \udc00 /x\n').ast.nodes[1]!;
    expect(node.child?.flags).toEqual(['--chown=\u00ef\u00bf\u00bd']);
    expect(node.child?.args).toEqual(['\ufffd', '/x']);
    expect(node.original).toBe('ONBUILD COPY --chown=\ud800 \udc00 /x');
  });

  it('outlines 10 000 stages that each build on the one before (bug: the graph walk overflowed the stack)', () => {
    const chain = Array.from({ length: 10_000 }, (_, i) => `FROM s${i} AS s${i + 1}\nCOPY --from=s${i} /a /b`).join('\n');
    const { value, error, ms } = timed(() => outline(`FROM local/busybox AS s0\n${chain}\n`));
    expect(error).toBeUndefined();
    expect(value?.graph.stages).toHaveLength(10_001);
    expect(ms).toBeLessThan(3000);
  });

  it('still finds a cycle among many stages, naming the stage', () => {
    const stages = Array.from({ length: 5000 }, (_, i) => `FROM local/busybox AS s${i}\nCOPY --from=s${(i + 1) % 5000} /a /b`).join('\n');
    const error = dockerfileError(() => outline(`${stages}\n`), 3000);
    expect(error.message).toBe('circular dependency detected on stage: s0');
    expect(error.range).toEqual({ start: 1, end: 1 });
  });
});
