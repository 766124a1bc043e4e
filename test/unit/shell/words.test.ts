/** Multi-word mode (processWords): where words split and where they do not. */
import { describe, expect, it } from 'vitest';
import { ShellExpansionError, ShellLexer } from '../../../electron/builder/shell';

const lexer = new ShellLexer();
function split(word: string, env: Record<string, string> = {}): string[] {
  return lexer.processWords(word, new Map(Object.entries(env)));
}

describe('processWords', () => {
  it('splits on unquoted blanks, and on any Unicode white space', () => {
    expect(split(' a \t b\nc\u00a0d\u2003e ')).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('splits the value of an unquoted expansion, not of a quoted one', () => {
    const env = { V: ' x  y ' };
    expect(split('[$V]', env)).toEqual(['[', 'x', 'y', ']']);
    expect(split('["$V"]', env)).toEqual(['[ x  y ]']);
    expect(split('${U:-a b}', env)).toEqual(['a', 'b']);
  });

  it('does not split escaped blanks', () => {
    expect(split('a\\ b c\\\td')).toEqual(['a b', 'c\td']);
  });

  it('drops empty words, even quoted ones', () => {
    expect(split(`a '' "" $EMPTY b`, { EMPTY: '' })).toEqual(['a', 'b']);
    expect(split('')).toEqual([]);
    expect(split('   ')).toEqual([]);
  });

  it('keeps a heredoc marker and the blanks after it in one word', () => {
    expect(split('cat <<  EOF > out')).toEqual(['cat', '<<  EOF', '>', 'out']);
    expect(split('a < b')).toEqual(['a', '<', 'b']);
  });

  it('forgets the partial word before a ${V<op>...} expansion, as buildkit does', () => {
    // buildkit reuses one word buffer for the nested word, which wipes "port-".
    expect(split('port-${P:-80}/tcp x')).toEqual(['80/tcp', 'x']);
    expect(split('port-${P}/tcp', { P: '80' })).toEqual(['port-80/tcp']);
    expect(lexer.processWord('port-${P:-80}/tcp', new Map())).toBe('port-80/tcp');
  });

  it('fails like single-word mode', () => {
    expect(() => split('a "b')).toThrow(ShellExpansionError);
    expect(() => split('${A:?}')).toThrow('A: is not allowed to be unset');
  });
});
