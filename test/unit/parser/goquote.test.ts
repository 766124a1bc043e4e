import { describe, expect, it } from 'vitest';
import { dumpNode, goQuote, parseDockerfile } from '../../../electron/builder/parser';

describe('goQuote (Go strconv.Quote)', () => {
  it('escapes quotes, backslashes and control characters', () => {
    expect(goQuote('" \\ / \b \f \n \r \t \v \x07 \x00 \x1b \x7f')).toBe(
      '"\\" \\\\ / \\b \\f \\n \\r \\t \\v \\a \\x00 \\x1b \\x7f"',
    );
  });

  it('keeps printable Unicode and escapes the rest', () => {
    expect(goQuote('♥☃é漢😀')).toBe('"♥☃é漢😀"');
    expect(goQuote('\u00a0\u00ad\u2028\ufeff')).toBe('"\\u00a0\\u00ad\\u2028\\ufeff"');
    expect(goQuote('\u{e0001}')).toBe('"\\U000e0001"');
    expect(goQuote('')).toBe('""');
  });
});

describe('dumpNode', () => {
  it('prints keyword, flags, arguments and nested ONBUILD', () => {
    const [copy, onbuild] = parseDockerfile('COPY --user=me --doit=true foo /tmp/\nONBUILD RUN ["a"]').nodes;
    expect(dumpNode(copy!)).toBe('(copy ["--user=me" "--doit=true"] "foo" "/tmp/")');
    expect(dumpNode(onbuild!)).toBe('(onbuild (run "a"))');
  });
});
