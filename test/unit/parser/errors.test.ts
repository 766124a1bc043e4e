// Every failure is a DockerfileError with the lines at fault, whatever the input.

import { describe, expect, it } from 'vitest';
import { DockerfileError } from '../../../electron/builder/errors';
import { dumpNode, parseDockerfile } from '../../../electron/builder/parser';
import { parseError } from './helpers';

describe('error ranges', () => {
  it('covers all physical lines of a continued instruction', () => {
    const error = parseError('FROM a\n\nRUN true\nENV a=1 \\\n  # comment\n\n  b\nUSER x\n');
    expect(error.message).toMatch(/can't find = in "b"/);
    expect(error.range).toEqual({ start: 4, end: 7 });
    expect(error.toString()).toBe(`Dockerfile:4-7: ${error.message}`);
  });

  it('names the single line of a one-line instruction', () => {
    expect(parseError('FROM a\nCMD ["a", 1]\n').toString()).toBe(
      'Dockerfile:2: when using JSON array syntax, arrays must be comprised of strings only',
    );
  });
});

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  'FROM', 'RUN', 'COPY', 'ADD', 'ENV', 'LABEL', 'ARG', 'CMD', 'ENTRYPOINT', 'SHELL', 'HEALTHCHECK', 'ONBUILD',
  'EXPOSE', 'VOLUME', 'USER', 'WORKDIR', 'MAINTAINER', 'STOPSIGNAL', 'FOO', ' ', '\t', '\n', '\n', '\r\n', '\r',
  '\\', '`', '#', '# escape=`', '# escape=\\', '# escape=x', '#syntax=x', '# check=a', '=', '"', "'", '[', ']',
  ',', '["a", "b"]', '[1]', '[[]]', '{', '}', '--', '--from=x', '--chown="a b"', '-', 'a', 'k=v', '$x', '${x:-y}',
  '${', '<<', '<<EOF', '<<-EOF', "<<'EOF'", '3<<EOF', 'EOF', '\tEOF', '<<a <<b', 'é', '♥', '😀', '\u00a0',
  '\u0085', '\u2028', '\x00', '\v', '\f', '\uFEFF', '\ud800', '\\\\', ' \\',
];

function randomDockerfile(next: () => number): string {
  const pick = () => FRAGMENTS[Math.floor(next() * FRAGMENTS.length)] ?? '';
  let text = '';
  const count = 1 + Math.floor(next() * 40);
  for (let i = 0; i < count; i++) text += pick() + (next() < 0.3 ? ' ' : '');
  return text;
}

describe('odd input', () => {
  it('parses or throws DockerfileError, never anything else (4000 seeded inputs)', () => {
    const next = random(20240607);
    let failures = 0;
    for (let i = 0; i < 4000; i++) {
      const text = randomDockerfile(next);
      const sources: (string | Uint8Array)[] = [text, new TextEncoder().encode(text)];
      for (const source of sources) {
        try {
          const result = parseDockerfile(source);
          // Ranges are well-formed and ordered.
          let previousEnd = 0;
          for (const node of result.nodes) {
            expect(node.range.start).toBeGreaterThan(previousEnd);
            expect(node.range.end).toBeGreaterThanOrEqual(node.range.start);
            previousEnd = node.range.end;
          }
        } catch (error) {
          if (!(error instanceof DockerfileError)) throw new Error(`non-DockerfileError for ${JSON.stringify(text)}: ${String(error)}`);
          expect(error.range, JSON.stringify(text)).toBeDefined();
          expect(error.range!.start).toBeGreaterThanOrEqual(1);
          expect(error.range!.end).toBeGreaterThanOrEqual(error.range!.start);
          failures++;
        }
      }
    }
    // The generator should exercise both outcomes.
    expect(failures).toBeGreaterThan(100);
    expect(failures).toBeLessThan(8000);
  });

  it('handles ONBUILD chains thousands deep', () => {
    const result = parseDockerfile(`FROM a\n${'ONBUILD '.repeat(8000)}RUN x\n`);
    let depth = 0;
    for (let node = result.nodes[1]; node?.child; node = node.child) depth++;
    expect(depth).toBe(8000);
    expect(dumpNode(result.nodes[1]!)).toBe(`${'(onbuild '.repeat(8000)}(run "x")${')'.repeat(8000)}`);
  });

  it('treats absurdly nested ${...} in a heredoc line as unreadable instead of overflowing', () => {
    const deep = `FROM a\nRUN <<a ${'${x:-'.repeat(10000)}${'}'.repeat(10000)}\na\n`;
    expect(parseDockerfile(deep).nodes).toHaveLength(3);
    const shallow = `FROM a\nRUN <<a ${'${x:-'.repeat(100)}${'}'.repeat(100)}\nbody\na\n`;
    expect(parseDockerfile(shallow).nodes[1]?.heredocs[0]?.content).toBe('body\n');
  });

  it('survives random bytes, including invalid UTF-8', () => {
    const next = random(7);
    for (let i = 0; i < 500; i++) {
      const bytes = new Uint8Array(Math.floor(next() * 200)).map(() => Math.floor(next() * 256));
      try {
        parseDockerfile(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(DockerfileError);
      }
    }
  });
});
