/**
 * .dockerignore as today's Docker CLI and engine apply it (moby/patternmatcher semantics;
 * cases cross-checked against the Go code).
 */
import { describe, expect, it } from 'vitest';
import { ContextSource, PatternMatcher, readIgnoreFile } from '../../../electron/builder/context';
import { contextError, makeContext, openContext } from './helpers';

describe('readIgnoreFile', () => {
  it('drops comments, blank lines, a BOM and CRs; trims and cleans each pattern', () => {
    const text = '\uFEFF# comment\r\n\r\n  node_modules/  \r\n/build\n./a/../b/\n #not-a-comment\n';
    expect(readIgnoreFile(text)).toEqual(['node_modules', 'build', 'b', '#not-a-comment']);
  });

  it('keeps ! on exceptions, trimming around it', () => {
    expect(readIgnoreFile('!  /keep/me\n! x')).toEqual(['!keep/me', '!x']);
  });

  it('reads bytes as UTF-8', () => {
    expect(readIgnoreFile(new TextEncoder().encode('ünï/*\n'))).toEqual(['ünï/*']);
  });
});

describe('PatternMatcher', () => {
  const excluded = (patterns: string[], path: string): boolean =>
    new PatternMatcher(patterns).matchesOrParentMatches(path);

  it('matches * and ? within one path element', () => {
    expect(excluded(['*.log'], 'a.log')).toBe(true);
    expect(excluded(['*.log'], 'dir/a.log')).toBe(false);
    expect(excluded(['*/*.log'], 'dir/a.log')).toBe(true);
    expect(excluded(['?.txt'], 'a.txt')).toBe(true);
    expect(excluded(['?.txt'], 'ab.txt')).toBe(false);
  });

  it('excludes everything below a matching directory', () => {
    expect(excluded(['dir'], 'dir/sub/file')).toBe(true);
    expect(excluded(['dir/sub'], 'dir/sub/file')).toBe(true);
    expect(excluded(['sub'], 'dir/sub/file')).toBe(false);
  });

  it('lets ** span any number of directories, including none', () => {
    expect(excluded(['**/*.log'], 'a.log')).toBe(true);
    expect(excluded(['**/*.log'], 'x/y/z.log')).toBe(true);
    expect(excluded(['a/**/b'], 'a/b')).toBe(true);
    expect(excluded(['a/**/b'], 'a/x/y/b')).toBe(true);
    expect(excluded(['a/**'], 'a/x/y')).toBe(true);
    expect(excluded(['**'], 'anything/at/all')).toBe(true);
  });

  it('applies exceptions in order: the last matching line wins', () => {
    expect(excluded(['*.md', '!README.md'], 'README.md')).toBe(false);
    expect(excluded(['*.md', '!README.md'], 'CHANGES.md')).toBe(true);
    expect(excluded(['!README.md', '*.md'], 'README.md')).toBe(true);
  });

  it('takes regexp characters literally, except | { } which Go lets through', () => {
    expect(excluded(['a+b.txt'], 'a+b.txt')).toBe(true);
    expect(excluded(['f(1).txt'], 'f(1).txt')).toBe(true);
    expect(excluded(['$x'], '$x')).toBe(true);
    // Purely literal patterns compare as strings...
    expect(excluded(['a|b'], 'a|b')).toBe(true);
    // ...but in a regexp `|` alternates: `x*|y` is `^x[^/]*` or `y$`.
    expect(excluded(['x*|y'], 'zzy')).toBe(true);
  });

  it('takes \\ as an escape and [...] as a class', () => {
    expect(excluded(['a\\*b'], 'a*b')).toBe(true);
    expect(excluded(['a\\*b'], 'axb')).toBe(false);
    expect(excluded(['file[0-9].txt'], 'file7.txt')).toBe(true);
    expect(excluded(['file[^0-9].txt'], 'file7.txt')).toBe(false);
  });

  it('is case-sensitive', () => {
    expect(excluded(['Secret'], 'secret')).toBe(false);
  });

  it('rejects malformed patterns', () => {
    expect(() => new PatternMatcher(['['])).toThrow(/syntax error in pattern/);
    expect(() => new PatternMatcher(['!'])).toThrow('illegal exclusion pattern: "!"');
  });
});

describe('ContextSource.isExcluded', () => {
  it('follows .dockerignore, with exceptions under an excluded directory', async () => {
    const source = await openContext({
      '.dockerignore': 'logs\n!logs/keep.log\n*.tmp\n',
      'logs/keep.log': 'k',
      'logs/drop.log': 'd',
      'a.tmp': 't',
      'b.txt': 'b',
    });
    expect(source.isExcluded('logs/keep.log')).toBe(false);
    expect(source.isExcluded('logs/drop.log')).toBe(true);
    expect(source.isExcluded('logs')).toBe(true);
    expect(source.isExcluded('a.tmp')).toBe(true);
    expect(source.isExcluded('b.txt')).toBe(false);
    expect(source.isExcluded('/b.txt')).toBe(false);
    expect(source.isExcluded('./logs/drop.log')).toBe(true);
    expect(source.isExcluded('.')).toBe(false);
    expect(source.isExcluded('../elsewhere')).toBe(true);
  });

  it('re-includes only below directories an exception literally starts with', async () => {
    // go-archive walks into `dir` for `!dir/keep`, but never for `!**/keep`.
    const literal = await openContext({ '.dockerignore': 'dir\n!dir/keep\n', 'dir/keep': 'k' });
    expect(literal.isExcluded('dir/keep')).toBe(false);
    const globbed = await openContext({ '.dockerignore': 'dir\n!**/keep\n', 'dir/keep': 'k' });
    expect(globbed.isExcluded('dir/keep')).toBe(true);
  });

  it('excludes the Dockerfile and .dockerignore only when the patterns match them', async () => {
    const all = await openContext({ '.dockerignore': '*\n', Dockerfile: 'FROM x', 'a.txt': 'a' });
    expect(all.isExcluded('Dockerfile')).toBe(true);
    expect(all.isExcluded('.dockerignore')).toBe(true);
    expect(all.isExcluded('a.txt')).toBe(true);

    const none = await openContext({ '.dockerignore': '*.txt\n', Dockerfile: 'FROM x' }, { dockerfile: 'Dockerfile' });
    expect(none.isExcluded('Dockerfile')).toBe(false);
    expect(none.isExcluded('.dockerignore')).toBe(false);
  });

  it('removes a Dockerfile in an excluded directory, but the engine keeps that directory', async () => {
    const source = await openContext(
      { '.dockerignore': 'build\n', 'build/Dockerfile': 'FROM x', 'build/other': 'o' },
      { dockerfile: 'build/Dockerfile' },
    );
    expect(source.isExcluded('build/Dockerfile')).toBe(true);
    expect(source.isExcluded('build/other')).toBe(true);
    // The CLI sent build/Dockerfile (so the engine created build/) and the engine deleted it.
    const [entry] = await source.resolve('build');
    expect(entry).toMatchObject({ path: 'build', type: 'directory', mode: 0o755, implicit: true });
  });

  it('reports a malformed .dockerignore when opening', async () => {
    const root = await makeContext({ '.dockerignore': 'ok\n[\n' });
    const err = await contextError(ContextSource.open(root));
    expect(err.message).toMatch(/^error reading \.dockerignore: syntax error in pattern/);
  });

  it('refuses a .dockerignore that leads outside the context', async () => {
    const outside = await makeContext({ 'elsewhere.dockerignore': '*\n' });
    const root = await makeContext({ '.dockerignore': { symlink: `${outside}/elsewhere.dockerignore` } });
    const err = await contextError(ContextSource.open(root));
    expect(err.message).toMatch(/outside the build context/);
  });
});
