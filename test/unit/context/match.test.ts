/** Go's filepath.Match, as COPY wildcards use it (cases cross-checked against Go 1.19). */
import { describe, expect, it } from 'vitest';
import { containsWildcards, matchGoPattern } from '../../../electron/builder/context';
import { isBadGoPattern } from '../../../electron/builder/context/match';

describe('matchGoPattern', () => {
  it.each([
    ['abc', 'abc', true],
    ['*', 'abc', true],
    ['*c', 'abc', true],
    ['a*', 'a', true],
    ['a*', 'abc', true],
    ['a*', 'ab/c', false],
    ['a*/b', 'abc/b', true],
    ['a*/b', 'a/c/b', false],
    ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
    ['a*b?c*x', 'abxbbxdbxebxczzx', true],
    ['a*b?c*x', 'abxbbxdbxebxczz', false],
    ['*x', 'xxx', true],
    ['*', 'a/b', false],
    ['*/*', 'a/b', true],
  ])('%j matches %j: %s', (pattern, name, expected) => {
    expect(matchGoPattern(pattern, name)).toBe(expected);
  });

  it('matches character classes, ranges and negation with ^ (not !)', () => {
    expect(matchGoPattern('ab[c]', 'abc')).toBe(true);
    expect(matchGoPattern('ab[b-d]', 'abc')).toBe(true);
    expect(matchGoPattern('ab[e-g]', 'abc')).toBe(false);
    expect(matchGoPattern('ab[^c]', 'abc')).toBe(false);
    expect(matchGoPattern('ab[^e-g]', 'abc')).toBe(true);
    expect(matchGoPattern('a[!a]b', 'a!b')).toBe(true);
    expect(matchGoPattern('a[!a]b', 'axb')).toBe(false);
    expect(matchGoPattern('[\\]a]', ']')).toBe(true);
    expect(matchGoPattern('[x\\-]', '-')).toBe(true);
  });

  it('treats ? and classes as one character, never a /', () => {
    expect(matchGoPattern('a?b', 'a☺b')).toBe(true);
    expect(matchGoPattern('a[^a]b', 'a😀b')).toBe(true);
    expect(matchGoPattern('a???b', 'a☺b')).toBe(false);
    expect(matchGoPattern('a?b', 'a/b')).toBe(false);
  });

  it('takes \\ as an escape', () => {
    expect(matchGoPattern('a\\*b', 'a*b')).toBe(true);
    expect(matchGoPattern('a\\*b', 'axb')).toBe(false);
    expect(matchGoPattern('\\[x]', '[x]')).toBe(true);
  });

  it('matches nothing with a malformed pattern, which Go reports as ErrBadPattern', () => {
    for (const pattern of ['[', 'a[', '[]a]', '[-]', '[x-]', 'a\\', '[^', '[a-']) {
      expect(isBadGoPattern(pattern, 'a')).toBe(true);
      expect(matchGoPattern(pattern, 'a')).toBe(false);
    }
    // Go notices some mistakes only once it gets there.
    expect(isBadGoPattern('x*[', 'a')).toBe(false);
    expect(isBadGoPattern('x*[', 'x')).toBe(true);
  });

  it('works on names with spaces, unicode and leading dashes', () => {
    expect(matchGoPattern('my *.txt', 'my file.txt')).toBe(true);
    expect(matchGoPattern('ünï*', 'ünïcode 😀')).toBe(true);
    expect(matchGoPattern('-*', '-rf')).toBe(true);
  });
});

describe('containsWildcards', () => {
  it('is true for an unescaped * ? or [', () => {
    expect(containsWildcards('a*')).toBe(true);
    expect(containsWildcards('a?')).toBe(true);
    expect(containsWildcards('[ab]')).toBe(true);
    expect(containsWildcards('a\\*b')).toBe(false);
    expect(containsWildcards('a\\[b')).toBe(false);
    expect(containsWildcards('plain/path.txt')).toBe(false);
  });
});
