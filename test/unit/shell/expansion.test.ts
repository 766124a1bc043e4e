/** `${...}` forms beyond the vectors: the behaviours README §6 lists, and their errors. */
import { describe, expect, it } from 'vitest';
import { ShellExpansionError, ShellLexer } from '../../../electron/builder/shell';

const lexer = new ShellLexer();
function expand(word: string, env: Record<string, string> = {}): string {
  return lexer.processWord(word, new Map(Object.entries(env)));
}

/** The error the word raises (fails the test if it raises none). */
function failure(word: string, env: Record<string, string> = {}): ShellExpansionError {
  try {
    expand(word, env);
  } catch (error) {
    if (error instanceof ShellExpansionError) return error;
    throw error;
  }
  throw new Error(`${word} expanded without an error`);
}

describe('${V:?msg} and ${V?msg}', () => {
  const word = '${TAG:?no tag for $APP}';

  it('gives the value when it is set and not empty', () => {
    expect(expand(word, { TAG: 'v1', APP: 'web' })).toBe('v1');
    expect(expand('${TAG?no tag}', { TAG: 'v1' })).toBe('v1');
  });

  it('fails with the expanded message when the variable is unset or empty', () => {
    expect(failure(word, { APP: 'web' }).message).toBe(
      'failed to process "${TAG:?no tag for $APP}": TAG: no tag for web',
    );
    expect(failure(word, { TAG: '', APP: 'web' }).reason).toBe('TAG: no tag for web');
  });

  it('without the colon, only an unset variable fails', () => {
    expect(expand('${TAG?no tag}', { TAG: '' })).toBe('');
    expect(failure('${TAG?no tag}').reason).toBe('TAG: no tag');
  });

  it('has default messages for unset and for empty', () => {
    expect(failure('${A?}').reason).toBe('A: is not allowed to be unset');
    expect(failure('${A:?}').reason).toBe('A: is not allowed to be unset');
    expect(failure('${A:?}', { A: '' }).reason).toBe('A: is not allowed to be empty');
    expect(failure('${A:?}', { A: '' }).message).toBe('failed to process "${A:?}": A: is not allowed to be empty');
  });

  it('keeps the word and the reason on the error', () => {
    const error = failure('x${A?}');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ShellExpansionError');
    expect(error.word).toBe('x${A?}');
  });
});

describe('${V-w} ${V:-w} ${V+w} ${V:+w} follow POSIX set/null rules', () => {
  const env = { SET: 'value', EMPTY: '' };
  it.each([
    ['${SET-w}', 'value'],
    ['${EMPTY-w}', ''],
    ['${UNSET-w}', 'w'],
    ['${SET:-w}', 'value'],
    ['${EMPTY:-w}', 'w'],
    ['${UNSET:-w}', 'w'],
    ['${SET+w}', 'w'],
    ['${EMPTY+w}', 'w'],
    ['${UNSET+w}', ''],
    ['${SET:+w}', 'w'],
    ['${EMPTY:+w}', ''],
    ['${UNSET:+w}', ''],
  ])('%s gives %j', (word, expected) => {
    expect(expand(word, env)).toBe(expected);
  });

  it('expands, unquotes and unescapes the word', () => {
    expect(expand('${U:-"a  b"\\}${SET}}', env)).toBe('a  b}value');
    expect(expand("${U:-'$SET'}", env)).toBe('$SET');
    expect(expand('${SET:+[${U:-$SET}]}', env)).toBe('[value]');
  });
});

describe('trimming: ${V#p} ${V##p} ${V%p} ${V%%p}', () => {
  const env = { FILE: 'archive.tar.gz', PATHS: 'a/b/c', STARS: '**x**', ODD: '\\a?b}c/d' };

  it('removes the shortest or longest matching prefix', () => {
    expect(expand('${FILE#*.}', env)).toBe('tar.gz');
    expect(expand('${FILE##*.}', env)).toBe('gz');
    expect(expand('${PATHS#*/}', env)).toBe('b/c');
    expect(expand('${PATHS##*/}', env)).toBe('c');
    expect(expand('${FILE#?r}', env)).toBe('chive.tar.gz');
  });

  it('removes the shortest or longest matching suffix', () => {
    expect(expand('${FILE%.*}', env)).toBe('archive.tar');
    expect(expand('${FILE%%.*}', env)).toBe('archive');
    expect(expand('${PATHS%/*}', env)).toBe('a/b');
    expect(expand('${PATHS%%/*}', env)).toBe('a');
  });

  it('leaves the value alone when nothing matches or the pattern is empty', () => {
    expect(expand('${FILE#zip}', env)).toBe('archive.tar.gz');
    expect(expand('${FILE%.zip}', env)).toBe('archive.tar.gz');
    expect(expand('${FILE#}', env)).toBe('archive.tar.gz');
    expect(expand('${FILE%%}', env)).toBe('archive.tar.gz');
    expect(expand('${UNSET#*}', env)).toBe('');
  });

  it('takes \\*, \\? and \\\\ literally, and drops the backslash of \\} and \\/', () => {
    expect(expand('${STARS#\\*}', env)).toBe('*x**');
    expect(expand('${STARS%%\\**}', env)).toBe('');
    expect(expand('${STARS%\\*\\*}', env)).toBe('**x');
    expect(expand('${ODD#\\\\a\\?}', env)).toBe('b}c/d');
    expect(expand('${ODD#*\\}}', env)).toBe('c/d');
    expect(expand('${ODD%\\/*}', env)).toBe('\\a?b}c');
  });

  it('treats brackets and regular-expression characters as plain text', () => {
    expect(expand('${V#[ab]}', { V: '[ab]c' })).toBe('c');
    expect(expand('${V#a.c}', { V: 'abc' })).toBe('abc');
    expect(expand('${V%(x|y)+$}', { V: 'v(x|y)+$' })).toBe('v');
  });

  it('expands variables in the pattern, and a value can carry escapes', () => {
    expect(expand('${FILE#$PRE}', { ...env, PRE: 'arch' })).toBe('ive.tar.gz');
    expect(expand('${STARS#$P}', { ...env, P: '\\*\\*' })).toBe('x**');
  });

  it('rejects other escapes in the pattern', () => {
    expect(failure('${FILE#\\a}', env).reason).toBe("invalid pattern (\\a) in substitution: invalid escape '\\a'");
    expect(failure('${FILE%%x\\q}', env).reason).toMatch(/^invalid pattern \(.*\) in substitution: invalid escape/);
  });

  it('does not let wildcards cross a newline (Go regexp `.`)', () => {
    expect(expand('${V#*b}', { V: 'a\nb' })).toBe('a\nb');
    expect(expand('${V#a?b}', { V: 'a\nb' })).toBe('a\nb');
    expect(expand('${V##*}', { V: 'ab\ncd' })).toBe('\ncd');
  });

  it('counts characters, not UTF-16 units', () => {
    expect(expand('${V#?}', { V: '😀x' })).toBe('x');
    expect(expand('${V%?}', { V: 'x😀' })).toBe('x');
  });
});

describe('replacing: ${V/p/r} and ${V//p/r}', () => {
  const env = { P: '/usr/local/lib', URL: 'http://example.com', MIXED: 'a.b*c.d' };

  it('replaces the first match, or every match', () => {
    expect(expand('${P/\\//:}', env)).toBe(':usr/local/lib');
    expect(expand('${P//\\//:}', env)).toBe(':usr:local:lib');
    expect(expand('${URL/http:/https:}', env)).toBe('https://example.com');
    expect(expand('${MIXED//./-}', env)).toBe('a-b*c-d');
  });

  it('matches the longest text at the leftmost place', () => {
    expect(expand('${P/l*l/X}', env)).toBe('/usr/Xib');
    expect(expand('${P//?l/X}', env)).toBe('/usrXocXXib');
  });

  it('replaces an empty pattern at the start only', () => {
    expect(expand('${P/$NONE/>}', env)).toBe('>/usr/local/lib');
  });

  it('replaces every match like Go: no second replacement for the empty match after one', () => {
    expect(expand('${V//*/x}', { V: 'abc' })).toBe('x');
    expect(expand('${V//*/x}', { V: '' })).toBe('x');
  });

  it('may leave out the replacement, but not the slash before it', () => {
    expect(expand('${MIXED//./}', env)).toBe('ab*cd');
    expect(expand('${MIXED///}', env)).toBe('a.b*c.d');
    expect(expand('${UNSET///}', env)).toBe('');
    expect(failure('${MIXED//x}', env).reason).toBe("syntax error: missing '/' in ${}");
    expect(failure('${MIXED/x}', env).reason).toBe("syntax error: missing '/' in ${}");
  });

  it('keeps escapes in the replacement, as buildkit does', () => {
    expect(expand('${P//\\//\\/}', env)).toBe('\\/usr\\/local\\/lib');
  });

  it('applies Go template rules to $ in an every-match replacement', () => {
    // `$R` is expanded first, then Go's ReplaceAllString reads `$0` in its value as the match.
    const withTemplate = { V: 'banana', R: '<$0>' };
    expect(expand('${V//an/$R}', withTemplate)).toBe('b<an><an>a');
    expect(expand('${V/an/$R}', withTemplate)).toBe('b<$0>ana');
  });
});

describe('syntax errors', () => {
  it.each([
    ['${A=w}', 'unsupported modifier (=) in substitution'],
    ['${A:=w}', 'unsupported modifier (:=) in substitution'],
    ['${A=}', 'unsupported modifier (=) in substitution'],
    ['${A:#x}', 'unsupported modifier (:#) in substitution'],
    ['${A:##x}', 'unsupported modifier (:#) in substitution'],
    ['${A:%}', 'unsupported modifier (:%) in substitution'],
    ['${A:%%}', 'unsupported modifier (:%) in substitution'],
    ['${A:x}', 'unsupported modifier (:x) in substitution'],
    ['${A.b}', 'unsupported modifier (.) in substitution'],
    ['${}', 'syntax error: bad substitution'],
    ['${:-x}', 'syntax error: bad substitution'],
    ['${{A}}', 'syntax error: bad substitution'],
    ['${', "syntax error: missing '}'"],
    ['${A:', "syntax error: missing '}'"],
    ['${A:-x', "syntax error: missing '}'"],
    ['${A:-${B}', "syntax error: missing '}'"],
    ["'abc", 'unexpected end of statement while looking for matching single-quote'],
    ['"abc', 'unexpected end of statement while looking for matching double-quote'],
    ['"abc\\"', 'unexpected end of statement while looking for matching double-quote'],
  ])('%s fails: %s', (word, reason) => {
    const error = failure(word, { A: 'a' });
    expect(error.reason).toBe(reason);
    expect(error.message).toBe(`failed to process ${JSON.stringify(word)}: ${reason}`);
  });

  it('reports a missing } right after a name (buildkit says "unsupported modifier (\uFFFD)")', () => {
    expect(failure('${A').reason).toBe("syntax error: missing '}'");
  });

  it('quotes the word in the message the way Go does', () => {
    expect(failure('\t${A:?}\u0001').message).toBe(
      'failed to process "\\t${A:?}\\x01": A: is not allowed to be unset',
    );
  });
});

describe('names', () => {
  it('reads letters, digits and _ (Unicode letters too)', () => {
    expect(expand('$A_1-$é', { A_1: 'x', é: 'y' })).toBe('x-y');
  });

  it('reads positional parameters as all the digits and special parameters as one character', () => {
    const env = { 12: 'twelve', '@': 'at', '#': 'hash', $: 'pid' };
    expect(expand('$12ab|$@@|${#}|$$$', env)).toBe('twelveab|at@|hash|pid$');
  });

  it('keeps a $ that no name follows', () => {
    expect(expand('cost: 5$ $. $/ $')).toBe('cost: 5$ $. $/ $');
  });
});
