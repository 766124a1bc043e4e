import { describe, expect, it } from 'vitest';
import { chompHeredocContent, parseDockerfile, parseHeredocMarker } from '../../../electron/builder/parser';
import { dumps, parseError } from './helpers';

function only(text: string) {
  const result = parseDockerfile(`FROM alpine\n${text}`);
  expect(result.nodes).toHaveLength(2);
  return result.nodes[1]!;
}

describe('heredocs', () => {
  it('reads a RUN heredoc body up to the terminator, keeping each line ending', () => {
    const node = only('RUN <<EOF\necho hello\necho world\nEOF\n');
    expect(node.heredocs).toEqual([
      { name: 'EOF', content: 'echo hello\necho world\n', expand: true, chomp: false, fileDescriptor: 0 },
    ]);
    expect(node.args).toEqual(['<<EOF']);
    expect(node.range).toEqual({ start: 2, end: 5 });
  });

  it('gives an empty body as an empty string', () => {
    const node = only('RUN <<EMPTY\nEMPTY\n');
    expect(node.heredocs).toEqual([{ name: 'EMPTY', content: '', expand: true, chomp: false, fileDescriptor: 0 }]);
    expect(node.range).toEqual({ start: 2, end: 3 });
  });

  it('accepts a terminator on the last line without a newline', () => {
    const node = only('COPY <<EOF /x\nhello\nEOF');
    expect(node.heredocs[0]?.content).toBe('hello\n');
    expect(node.range).toEqual({ start: 2, end: 4 });
  });

  it('keeps tabs without <<- and strips them (body and terminator) with <<-', () => {
    expect(only('RUN <<INDENT\n\tfoo\n\tbar\nINDENT\n').heredocs[0]?.content).toBe('\tfoo\n\tbar\n');
    const chomped = only('RUN <<-UNINDENT\n\tbaz\n\t\tquux\n\t\tUNINDENT\n').heredocs[0];
    expect(chomped).toEqual({ name: 'UNINDENT', content: 'baz\nquux\n', expand: true, chomp: true, fileDescriptor: 0 });
    // Without <<- an indented terminator is just a body line.
    expect(parseError('FROM a\nRUN <<EOF\n\tEOF\n').message).toMatch(/unterminated heredoc/);
  });

  it('does not expand when any part of the terminator is quoted', () => {
    expect(only("RUN <<'EOF'\n$HOME\nEOF\n").heredocs[0]).toMatchObject({ name: 'EOF', expand: false });
    expect(only('RUN <<"EOF"\n$HOME\nEOF\n').heredocs[0]).toMatchObject({ name: 'EOF', expand: false });
    expect(only("RUN <<eo'f'\necho\neof\n").heredocs[0]).toMatchObject({ name: 'eof', expand: false });
    expect(only("RUN <<-'NOEXPAND'\n\tx $NAME\nNOEXPAND\n").heredocs[0]).toEqual({
      name: 'NOEXPAND',
      content: 'x $NAME\n',
      expand: false,
      chomp: true,
      fileDescriptor: 0,
    });
  });

  it('treats an escaped quote as part of the name, not as quoting', () => {
    expect(only("RUN <<eo\\'f\necho foo\neo'f\n").heredocs[0]).toMatchObject({ name: "eo'f", expand: true });
    expect(only("RUN <<'e'o\\'f\necho foo\neo'f\n").heredocs[0]).toMatchObject({ name: "eo'f", expand: false });
    expect(only("RUN <<'one two'\necho bar\none two\n").heredocs[0]).toMatchObject({ name: 'one two', expand: false });
    expect(only('RUN <<$EOF\n$EOF\n').heredocs[0]).toMatchObject({ name: '$EOF', expand: true });
  });

  it('reads a file descriptor prefix', () => {
    expect(only('RUN 3<<EOF\nx\nEOF\n').heredocs[0]).toMatchObject({ name: 'EOF', fileDescriptor: 3, content: 'x\n' });
  });

  it('allows blanks between << and the terminator word', () => {
    expect(only('RUN <<  EOF\nEOF\n').heredocs[0]?.name).toBe('EOF');
    expect(only('RUN <<  EOF  > foo\nEOF\n').heredocs[0]?.name).toBe('EOF');
    // BuildKit quirk: after `<<-` a blank splits the word, so this is no heredoc at all.
    expect(dumps('FROM a\nRUN <<- EOF\n\tEOF\n')).toEqual(['(from "a")', '(run "<<- EOF")', '(eof "")']);
    expect(only('RUN << -EOF\n-EOF\n').heredocs[0]).toMatchObject({ name: '-EOF', chomp: false });
  });

  it('reads several heredocs on one line in order, each with its own body', () => {
    const node = only('COPY <<FILE1 <<FILE2 /dest/\ncontent 1\nFILE1\ncontent 2\nFILE2\n');
    expect(node.heredocs.map((h) => [h.name, h.content])).toEqual([
      ['FILE1', 'content 1\n'],
      ['FILE2', 'content 2\n'],
    ]);
    expect(node.args).toEqual(['<<FILE1', '<<FILE2', '/dest/']);
    expect(node.range).toEqual({ start: 2, end: 6 });
    // The other heredoc's name inside a body is just text.
    const crossed = only('COPY <<X <<Y /dest\nY\nX\nX\nY\n');
    expect(crossed.heredocs.map((h) => h.content)).toEqual(['Y\n', 'X\n']);
  });

  it('never treats body lines as comments, continuations or instructions', () => {
    const node = only('RUN <<COMMENT\n# internal comment\necho a \\\n\nFROM b\nCOMMENT\n');
    expect(node.heredocs[0]?.content).toBe('# internal comment\necho a \\\n\nFROM b\n');
    expect(dumps('FROM a\nRUN <<X\nFROM b\nX\nUSER me\n')).toEqual(['(from "a")', '(run "<<X")', '(user "me")']);
  });

  it('keeps CRLF inside the body and accepts a CRLF terminator line', () => {
    const node = only('RUN <<EOF\r\nbody\r\nEOF\r\n');
    expect(node.heredocs[0]?.content).toBe('body\r\n');
  });

  it('finds markers after flags and after a continuation', () => {
    const node = only('RUN --mount=type=cache,target=/foo <<MOUNT \\\n  && true\necho hello\nMOUNT\n');
    expect(node.flags).toEqual(['--mount=type=cache,target=/foo']);
    expect(node.heredocs[0]?.content).toBe('echo hello\n');
    expect(node.range).toEqual({ start: 2, end: 5 });
  });

  it('only reads heredocs for shell-form RUN, COPY and ADD (and ONBUILD of those)', () => {
    expect(only('USER <<INVALID\n').heredocs).toEqual([]);
    expect(dumps('FROM a\nUSER <<X\nX\n')).toEqual(['(from "a")', '(user "<<X")', '(x "")']);
    expect(only('RUN ["<<EOF"]\n').heredocs).toEqual([]);
    expect(only('ADD <<EOF /x\nadded\nEOF\n').heredocs[0]?.content).toBe('added\n');
    const onbuild = only('ONBUILD RUN <<EOF\nbody\nEOF\n');
    expect(onbuild.heredocs[0]?.content).toBe('body\n');
    expect(onbuild.child?.heredocs).toEqual([]);
    expect(onbuild.child?.range).toEqual({ start: 2, end: 4 });
  });

  it('ignores quoted markers and lines the heredoc lexer cannot read', () => {
    expect(only('RUN "<<NOHEREDOC"\n').heredocs).toEqual([]);
    expect(only("RUN '<<EOF'\n").heredocs).toEqual([]);
    expect(only('RUN <<EOF "unterminated\n').heredocs).toEqual([]);
    expect(only('RUN <<<EOF\n').heredocs).toEqual([]);
    expect(only('RUN <<\n').heredocs).toEqual([]);
  });

  it('reports an unterminated heredoc with the instruction and every line read', () => {
    const error = parseError('FROM a\nRUN <<EOF\nline one\nline two\n');
    expect(error.message).toBe('unterminated heredoc: no "EOF" line ends it');
    expect(error.range).toEqual({ start: 2, end: 4 });
    expect(parseError('FROM a\nCOPY <<a <<b /d/\nx\na\ny\n').message).toContain('"b"');
    expect(parseError('FROM a\nRUN <<EOF').range).toEqual({ start: 2, end: 2 });
  });

  it('exposes marker parsing for matching arguments to heredocs', () => {
    for (const word of ['<<EOF', "<<'EOF'", '<<"EOF"', '<<-EOF', "<<-'EOF'", '<<-"EOF"', '<<EO"F"', '<< EOF', '<<- EOF']) {
      expect(parseHeredocMarker(word)?.name, word).toBe('EOF');
    }
    for (const word of ['', 'EOF', '<<', '<<-', '<EOF', '<<<EOF', '<<EOF sh', "<<'EOF", '<<"EOF', "<<EOF'"]) {
      expect(parseHeredocMarker(word), word).toBeUndefined();
    }
    expect(parseHeredocMarker('12<<-x')).toEqual({ name: 'x', expand: true, chomp: true, fileDescriptor: 12 });
  });

  it('chomps leading tabs from every line', () => {
    expect(chompHeredocContent('\thello\n\t\tworld\n')).toBe('hello\nworld\n');
    expect(chompHeredocContent(chompHeredocContent('\ta\n b\n'))).toBe('a\n b\n');
  });
});
