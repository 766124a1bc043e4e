/** The lexer's options: the backtick escape token, raw quotes/escapes, skipping unset variables. */
import { describe, expect, it } from 'vitest';
import { ShellExpansionError, ShellLexer, type LexerOptions } from '../../../electron/builder/shell';

const env = new Map([
  ['PWD', '/home'],
  ['EMPTY', ''],
]);
const expand = (word: string, options: LexerOptions) => new ShellLexer(options).processWord(word, env);

describe('escape token `', () => {
  const backtick = new ShellLexer({ escapeToken: '`' });
  const word = (text: string) => backtick.processWord(text, env);

  it('escapes what \\ escapes by default', () => {
    expect(word('he`$PWD')).toBe('he$PWD');
    expect(word('he``$PWD')).toBe('he`/home');
    expect(word("he`'llo")).toBe("he'llo");
    expect(word('a`tb')).toBe('atb');
    expect(word('trailing`')).toBe('trailing');
  });

  it('inside double quotes escapes only ", $ and itself', () => {
    expect(word('"a`"b"')).toBe('a"b');
    expect(word('"`$PWD"')).toBe('$PWD');
    expect(word('"a``b"')).toBe('a`b');
    expect(word('"a`tb"')).toBe('a`tb');
  });

  it('makes \\ an ordinary character', () => {
    expect(word('C:\\Users\\$PWD')).toBe('C:\\Users\\/home');
    expect(word('"C:\\temp\\"')).toBe('C:\\temp\\');
    expect(word("'C:\\x'")).toBe('C:\\x');
  });

  it('escapes } in ${V:-word}', () => {
    expect(backtick.processWord('${U:-a`}b}', env)).toBe('a}b');
  });

  it('leaves \\ the escape of patterns; an escaping ` stays in the pattern as text', () => {
    expect(backtick.processWord('${V#\\*}', new Map([['V', '*x']]))).toBe('x');
    expect(backtick.processWord('${V//`//:}', new Map([['V', 'a`/b/c']]))).toBe('a:b/c');
  });

  it('keeps an escaped blank inside one word', () => {
    expect(backtick.processWords('hello` there  x', env)).toEqual(['hello there', 'x']);
  });

  it('still reports an unterminated quote', () => {
    expect(() => word('"abc`"')).toThrow(ShellExpansionError);
  });

  it('rejects any other escape token', () => {
    expect(() => new ShellLexer({ escapeToken: '#' as '\\' })).toThrow(TypeError);
  });
});

describe('rawQuotes', () => {
  it('keeps the quotes and still expands inside double quotes', () => {
    expect(expand(`"a $PWD"'b $PWD'c`, { rawQuotes: true })).toBe(`"a /home"'b $PWD'c`);
    expect(expand(`""''`, { rawQuotes: true })).toBe(`""''`);
  });

  it('keeps quoted words together when splitting', () => {
    expect(new ShellLexer({ rawQuotes: true }).processWords(`a "b c" 'd e'`, env)).toEqual(['a', '"b c"', "'d e'"]);
  });
});

describe('rawEscapes', () => {
  it('keeps escape tokens, including a trailing one', () => {
    expect(expand('a\\ b\\$PWD\\', { rawEscapes: true })).toBe('a\\ b\\$PWD\\');
    expect(expand('"\\"\\$PWD"', { rawEscapes: true })).toBe('\\"\\$PWD');
  });

  it('writes an escape that escapes nothing inside double quotes twice, as buildkit does', () => {
    expect(expand('"a\\tb"', { rawEscapes: true })).toBe('a\\\\tb');
  });

  it('processes escapes in ${V:-word} words', () => {
    expect(expand('${U:-\\$PWD}', { rawEscapes: true })).toBe('$PWD');
  });

  it('works with rawQuotes, the way the parser looks for heredocs', () => {
    const lexer = new ShellLexer({ rawQuotes: true, rawEscapes: true, skipUnsetEnv: true });
    expect(lexer.processWords('cat <<"EOF" \\\n$X', new Map())).toEqual(['cat', '<<"EOF"', '\\\n$X']);
  });
});

describe('skipUnsetEnv', () => {
  const skip = new ShellLexer({ skipUnsetEnv: true });
  const word = (text: string) => skip.processWord(text, env);

  it('leaves unset variables as written', () => {
    expect(word('$UNSET-${UNSET}-$1')).toBe('$UNSET-${UNSET}-$1');
    expect(word('${UNSET:-x}${UNSET+y}${UNSET?z}${UNSET:?}')).toBe('${UNSET:-x}${UNSET+y}${UNSET?z}${UNSET:?}');
    expect(word('${UNSET#*.}${UNSET%%x}')).toBe('${UNSET#*.}${UNSET%%x}');
    expect(word('${UNSET/a/b}')).toBe('${UNSET/a/b}');
  });

  it('keeps the // of a replace-all as written (buildkit writes back a single /)', () => {
    expect(word('${UNSET//a/b}')).toBe('${UNSET//a/b}');
  });

  it('writes back the expanded word of a modifier', () => {
    expect(word('${UNSET:-$PWD}')).toBe('${UNSET:-/home}');
    expect(word('${UNSET:-$OTHER}')).toBe('${UNSET:-$OTHER}');
  });

  it('still expands set variables, including empty ones', () => {
    expect(word('$PWD|$EMPTY|${EMPTY:-x}|${PWD#/}')).toBe('/home||x|home');
    expect(() => word('${EMPTY:?}')).toThrow('EMPTY: is not allowed to be empty');
  });

  it('still removes quotes unless rawQuotes is set too', () => {
    expect(word('"$UNSET"')).toBe('$UNSET');
    expect(new ShellLexer({ skipUnsetEnv: true, rawQuotes: true }).processWord("'$A' \"$B\"", env)).toBe("'$A' \"$B\"");
  });
});

describe('processWordWithMatches', () => {
  const lexer = new ShellLexer();
  const vars = new Map([
    ['SET', 'x'],
    ['EMPTY', ''],
  ]);

  it('reports set and unset variables, however they were used', () => {
    const result = lexer.processWordWithMatches('$SET ${EMPTY:-a} ${NOPE} ${GONE:+b} ${SET#$PAT} $1', vars);
    expect(result.word).toBe('x a   x ');
    expect(result.matched).toEqual(new Set(['SET', 'EMPTY']));
    expect(result.unmatched).toEqual(new Set(['NOPE', 'GONE', 'PAT', '1']));
  });

  it('gives empty sets when the word refers to no variable', () => {
    const result = lexer.processWordWithMatches("plain '$QUOTED' \\$ESCAPED", vars);
    expect(result).toEqual({ word: 'plain $QUOTED $ESCAPED', matched: new Set(), unmatched: new Set() });
  });

  it('starts afresh on every call', () => {
    lexer.processWordWithMatches('$FIRST', vars);
    expect(lexer.processWordWithMatches('$SECOND', vars).unmatched).toEqual(new Set(['SECOND']));
  });

  it('reports what the expansion looked at even when a default was used', () => {
    const result = new ShellLexer({ skipUnsetEnv: true }).processWordWithMatches('${A:-$SET}', vars);
    expect(result.word).toBe('${A:-x}');
    expect(result.matched).toEqual(new Set(['SET']));
    expect(result.unmatched).toEqual(new Set(['A']));
  });
});
