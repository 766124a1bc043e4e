import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../../electron/builder/parser';
import { dumps, parseError } from './helpers';

const node = (line: string) => parseDockerfile(line).nodes[0]!;

describe('keyword', () => {
  it('is case-insensitive and lowercased (Go style: one code point each)', () => {
    expect(node('fRoM a').keyword).toBe('from');
    expect(node('\u0130NV a b').keyword).toBe('inv');
    // Kelvin sign lowercases to k, so this is HEALTHCHECK, as in BuildKit.
    expect(dumps('HEALTHCHEC\u212A CMD x')).toEqual(['(healthcheck "CMD" "x")']);
  });

  it('gives unknown instructions one empty argument (rejected later, not here)', () => {
    expect(node('FOO --bar baz qux')).toMatchObject({ keyword: 'foo', flags: ['--bar'], args: [''], json: false });
  });

  it('keeps the joined text as original', () => {
    expect(node('  RUN  a \\\n b  ').original).toBe('RUN  a  b  ');
  });
});

describe('flags', () => {
  it('reads leading --words, removing quotes and escapes', () => {
    expect(node('COPY --chown="a b" --from=\'x\' --y=a\\ b src dst')).toMatchObject({
      flags: ['--chown=a b', '--from=x', '--y=a b'],
      args: ['src', 'dst'],
    });
  });

  it('stops at the first word without -- and drops a bare -- terminator', () => {
    expect(node('COPY --a=1 -- --b src dst')).toMatchObject({ flags: ['--a=1'], args: ['--b', 'src', 'dst'] });
    expect(node('COPY --a -b --c x')).toMatchObject({ flags: ['--a'], args: ['-b', '--c', 'x'] });
    expect(node('CMD --doit -- [ ]')).toMatchObject({ flags: ['--doit'], args: [], json: true });
    expect(node('COPY --a --').flags).toEqual(['--a']);
    expect(node('COPY --a=""').flags).toEqual(['--a=']);
  });

  it('uses the directive escape token inside flags', () => {
    expect(node('# escape=`\nCOPY --a=x`"y --b="c`"d" e f').flags).toEqual(['--a=x"y', '--b=c"d']);
  });

  it('reads flags byte by byte, as BuildKit does', () => {
    // Each UTF-8 byte becomes its own Latin-1 character...
    expect(node('COPY --chown=é a b').flags).toEqual(['--chown=Ã©']);
    // ...and a 0xA0 byte (second byte of U+00A0) counts as a blank.
    expect(node('COPY --from=x\u00a0y a b')).toMatchObject({ flags: ['--from=xÂ'], args: ['y', 'a', 'b'] });
    // A leading U+00A0 byte 0xC2 is not a blank, so no flags are read at all.
    expect(node('CMD \u00a0--x=y a')).toMatchObject({ flags: [], args: ['--x=y a'] });
  });
});

describe('JSON (exec) form', () => {
  it('takes string arrays as arguments, whitespace and escapes as JSON defines', () => {
    expect(node('CMD [ "a b",\t"\\u0000", "\\/" ]  ')).toMatchObject({ args: ['a b', '\u0000', '/'], json: true });
    expect(node('RUN []')).toMatchObject({ args: [], json: true });
    expect(node('ENTRYPOINT [""]')).toMatchObject({ args: [''], json: true });
    expect(node('COPY ["a b", "c"]')).toMatchObject({ args: ['a b', 'c'], json: true });
  });

  it('falls back to one verbatim argument (or words) for anything that is not valid JSON', () => {
    expect(node("CMD ['a', 'b']")).toMatchObject({ args: ["['a', 'b']"], json: false });
    expect(node('CMD ["a", "b"')).toMatchObject({ args: ['["a", "b"'], json: false });
    expect(node('CMD "[\\"a\\"]"')).toMatchObject({ args: ['"[\\"a\\"]"'], json: false });
    expect(node('VOLUME [/a /b]')).toMatchObject({ args: ['[/a', '/b]'], json: false });
    expect(node('RUN [1e400]')).toMatchObject({ args: ['[1e400]'], json: false });
    expect(node(`RUN ${'['.repeat(10001)}${']'.repeat(10001)}`).json).toBe(false);
  });

  it('rejects valid arrays holding anything but strings', () => {
    for (const line of ['CMD [ "echo", [ "nested" ] ]', 'RUN ["a", 1]', 'COPY [null, "b"]', 'SHELL [{}]', 'HEALTHCHECK CMD [true]']) {
      const error = parseError(`FROM a\n${line}`);
      expect(error.message, line).toBe('when using JSON array syntax, arrays must be comprised of strings only');
      expect(error.range).toEqual({ start: 2, end: 2 });
    }
  });

  it('turns unpaired surrogate escapes into U+FFFD as Go does', () => {
    expect(node('CMD ["\\ud800", "\\ud83d\\ude00"]').args).toEqual(['\uFFFD', '😀']);
  });
});

describe('per-keyword arguments', () => {
  it('splits FROM and EXPOSE on blanks', () => {
    expect(node('FROM a AS\tb').args).toEqual(['a', 'AS', 'b']);
    expect(node('EXPOSE 80 \t 443/tcp').args).toEqual(['80', '443/tcp']);
    expect(node('FROM').args).toEqual([]);
  });

  it('keeps USER, WORKDIR, MAINTAINER, STOPSIGNAL verbatim', () => {
    expect(node('WORKDIR  /a b  ').args).toEqual(['/a b']);
    expect(node('USER').args).toEqual([]);
  });

  it('splits ARG into words that keep their quotes', () => {
    expect(node('ARG a="1 2" b=\'x y\' c=d\\ e f').args).toEqual(['a="1 2"', "b='x y'", 'c=d\\ e', 'f']);
    expect(node('ARG').args).toEqual([]);
  });

  it('reads ENV and LABEL in both forms', () => {
    expect(node('ENV name value with  spaces').args).toEqual(['name', 'value with  spaces', '']);
    expect(node('ENV a=1 b="2 3" c=').args).toEqual(['a', '1', '=', 'b', '"2 3"', '=', 'c', '', '=']);
    expect(node('LABEL "k"="v" x=y=z').args).toEqual(['"k"', '"v"', '=', 'x', 'y=z', '=']);
    expect(node('ENV').args).toEqual([]);
  });

  it('rejects ENV/LABEL with a key only, or a new-form word without =', () => {
    expect(parseError('FROM a\nENV PATH').message).toBe('ENV must have two arguments');
    expect(parseError('FROM a\nLABEL x').message).toBe('LABEL must have two arguments');
    const error = parseError('FROM a\nENV a=1 \\\n  b "c"');
    expect(error.message).toBe('Syntax error - can\'t find = in "b". Must be of the form: name=value');
    expect(error.range).toEqual({ start: 2, end: 3 });
  });

  it('reads HEALTHCHECK as a type word plus a CMD-like rest', () => {
    expect(node('HEALTHCHECK').args).toEqual([]);
    expect(node('HEALTHCHECK NONE').args).toEqual(['NONE']);
    expect(node('HEALTHCHECK --interval=5s CMD   curl -f x')).toMatchObject({
      flags: ['--interval=5s'],
      args: ['CMD', 'curl -f x'],
      json: false,
    });
    expect(node('HEALTHCHECK CMD ["a", "b"]')).toMatchObject({ args: ['CMD', 'a', 'b'], json: true });
  });

  it('nests a whole instruction under ONBUILD', () => {
    const onbuild = node('ONBUILD --x COPY --from=a ["b", "c"] ');
    expect(onbuild).toMatchObject({ keyword: 'onbuild', flags: ['--x'], args: [], json: false });
    expect(onbuild.child).toMatchObject({ keyword: 'copy', flags: ['--from=a'], args: ['b', 'c'], json: true });
    expect(onbuild.child?.original).toBe('COPY --from=a ["b", "c"]');
    expect(dumps('ONBUILD ONBUILD RUN x\nONBUILD')).toEqual(['(onbuild (onbuild (run "x")))', '(onbuild)']);
    expect(parseError('FROM a\nONBUILD ENV x').range).toEqual({ start: 2, end: 2 });
  });
});
