import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../../electron/builder/parser';
import { dumps, parseError } from './helpers';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('physical lines', () => {
  it('strips a UTF-8 BOM from the first line only (bytes and text)', () => {
    expect(dumps(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('FROM a\n')]))).toEqual(['(from "a")']);
    expect(dumps('\uFEFFFROM a\n')).toEqual(['(from "a")']);
    // A BOM before a directive still lets the directive count.
    expect(parseDockerfile('\uFEFF# escape=`\nFROM a `\n b\n').directives.escape).toBe('`');
    // A second BOM is ordinary text (so it becomes part of an unknown keyword).
    expect(dumps('\uFEFF\uFEFFFROM a\n')).toEqual(['(\uFEFFfrom "")']);
  });

  it('treats CRLF like LF and drops every trailing CR', () => {
    expect(dumps('FROM a\r\nRUN x \\\r\n  y\r\r\n')).toEqual(['(from "a")', '(run "x   y")']);
    const result = parseDockerfile('FROM a\r\n\r\nUSER me\r\n');
    expect(result.nodes.map((n) => n.range)).toEqual([
      { start: 1, end: 1 },
      { start: 3, end: 3 },
    ]);
    // A CR inside a line is kept.
    expect(dumps('RUN a\rb\n')).toEqual(['(run "a\\rb")']);
  });

  it('limits lines to 65535 bytes, the line ending excluded', () => {
    const line = (bytes: number) => 'RUN ' + 'x'.repeat(bytes - 4);
    expect(dumps(`FROM a\n${line(65535)}\n`)).toHaveLength(2);
    expect(dumps(`FROM a\n${line(65535)}`)).toHaveLength(2);
    const error = parseError(`FROM a\n${line(65536)}\n`);
    expect(error.message).toBe('dockerfile line greater than max allowed size of 65535');
    expect(error.range).toEqual({ start: 2, end: 2 });
    // The limit is in UTF-8 bytes, and a CR counts.
    expect(parseError(`FROM a\n${line(65534)}é\n`).range).toEqual({ start: 2, end: 2 });
    expect(parseError(utf8(`FROM a\n${line(65535)}\r\n`)).message).toMatch(/max allowed size/);
  });

  it('reports errors on earlier lines before an over-long line', () => {
    expect(parseError(`ENV x\n${'x'.repeat(70000)}\n`).message).toBe('ENV must have two arguments');
  });
});

describe('continuations', () => {
  it('joins lines ending in the escape token, keeping indentation and the character before it', () => {
    const node = parseDockerfile('RUN echo hello \\\n\tworld \\  \n  done\n').nodes[0]!;
    expect(node.original).toBe('RUN echo hello \tworld   done');
    expect(node.range).toEqual({ start: 1, end: 3 });
  });

  it('does not continue on a doubled escape token', () => {
    expect(dumps('ENV C trailing\\\\\nUSER me\n')).toEqual(['(env "C" "trailing\\\\\\\\" "")', '(user "me")']);
  });

  it('continues on a lone escape token line', () => {
    expect(dumps('RUN a \\\n\\\n b\n')).toEqual(['(run "a  b")']);
  });

  it('skips comment lines inside a continuation without a warning', () => {
    const result = parseDockerfile('RUN a \\\n  # note \\\n# more\n  b\n');
    expect(result.nodes[0]?.original).toBe('RUN a   b');
    expect(result.nodes[0]?.range).toEqual({ start: 1, end: 4 });
    expect(result.warnings).toEqual([]);
  });

  it('skips blank lines inside a continuation and warns about them', () => {
    const result = parseDockerfile('FROM a\nRUN a \\\n\n  \t\n  b\nUSER me\n');
    expect(result.nodes[1]?.original).toBe('RUN a   b');
    expect(result.nodes[1]?.range).toEqual({ start: 2, end: 5 });
    expect(result.warnings).toEqual([{ message: 'Empty continuation line found in: RUN a   b', range: { start: 2, end: 5 } }]);
  });

  it('ends the instruction at end of file while still continuing', () => {
    const result = parseDockerfile('FROM a\nRUN a \\');
    expect(result.nodes[1]?.original).toBe('RUN a ');
    expect(result.range).toEqual({ start: 1, end: 2 });
  });

  it('uses the backtick as continuation after # escape=`', () => {
    expect(dumps('# escape=`\nRUN a `\n  b \\\n')).toEqual(['(run "a   b \\\\")']);
  });

  it('makes an instruction even from a lone escape token', () => {
    expect(dumps('\\')).toEqual(['("")']);
    expect(parseDockerfile('\\').nodes[0]?.keyword).toBe('');
  });
});

describe('comments and blank lines', () => {
  it('counts comments and blank lines in line numbers', () => {
    const result = parseDockerfile('# c\n\n   # indented\nFROM a\n\n# x\nUSER me\n');
    expect(result.nodes.map((n) => n.range.start)).toEqual([4, 7]);
    expect(result.range).toEqual({ start: 4, end: 7 });
  });

  it('rejects files without instructions', () => {
    for (const text of ['', '\n\n', '# only\n# comments\n', '# escape=`\n', '   \t\n']) {
      expect(parseError(text).message, JSON.stringify(text)).toBe('file with no instructions');
    }
    expect(parseError('').range).toEqual({ start: 1, end: 1 });
    expect(parseError('# a\n# b\n# c\n').range).toEqual({ start: 1, end: 3 });
  });
});
