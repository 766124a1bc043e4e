/** COPY/ADD sources, resolved like the classic builder's calcCopyInfo (wording checked on a real engine). */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContextSource } from '../../../electron/builder/context';
import { contextError, makeContext, openContext, tempDir } from './helpers';

const notFound = (source: string): string =>
  `file not found in build context or excluded by .dockerignore: stat ${source}: file does not exist`;

describe('resolve', () => {
  it('resolves a file with its metadata', async () => {
    const source = await openContext({ 'app/main.js': { content: 'hello', mode: 0o754, mtime: 1_700_000_000 } });
    const [entry, ...rest] = await source.resolve('app/main.js');
    expect(rest).toEqual([]);
    expect(entry).toEqual({
      path: 'app/main.js',
      resolvedPath: 'app/main.js',
      type: 'file',
      size: 5,
      mode: 0o754,
      mtimeMs: 1_700_000_000_000,
    });
  });

  it('keeps setuid, setgid and sticky bits in the mode', async () => {
    const source = await openContext({ tool: { content: '#!', mode: 0o4755 }, shared: { dir: true, mode: 0o3775 } });
    expect((await source.resolve('tool'))[0]!.mode).toBe(0o4755);
    expect((await source.resolve('shared'))[0]!.mode).toBe(0o3775);
  });

  it('takes . / empty, a leading / and a leading ./ as relative to the root', async () => {
    const source = await openContext({ 'a.txt': 'a', 'dir/b.txt': 'b' });
    for (const root of ['.', '/', '', './', '//']) {
      const [entry] = await source.resolve(root);
      expect(entry).toMatchObject({ path: '.', resolvedPath: '.', type: 'directory' });
    }
    expect((await source.resolve('/dir/b.txt'))[0]!.path).toBe('dir/b.txt');
    expect((await source.resolve('./dir/b.txt'))[0]!.path).toBe('dir/b.txt');
    expect((await source.resolve('dir/../a.txt'))[0]!.path).toBe('a.txt');
    expect((await source.resolve('dir/'))[0]!.path).toBe('dir');
  });

  it('expands wildcards per path relative to the root, in walk order', async () => {
    const source = await openContext({
      'b.txt': 'b',
      'a.txt': 'a',
      'a-b.txt': 'ab',
      'c.md': 'c',
      'dir/x.txt': 'x',
      'dir/sub/y.txt': 'y',
      'other/x.txt': 'x2',
    });
    const paths = async (pattern: string): Promise<string[]> => (await source.resolve(pattern)).map((e) => e.path);
    expect(await paths('*.txt')).toEqual(['a-b.txt', 'a.txt', 'b.txt']);
    expect(await paths('[ab].txt')).toEqual(['a.txt', 'b.txt']);
    expect(await paths('*/x.txt')).toEqual(['dir/x.txt', 'other/x.txt']);
    expect(await paths('dir/*')).toEqual(['dir/sub', 'dir/x.txt']);
    expect(await paths('*/*/y.txt')).toEqual(['dir/sub/y.txt']);
    expect(await paths('/d?r/*.txt')).toEqual(['dir/x.txt']);
    expect(await paths('./*.md')).toEqual(['c.md']);
  });

  it('gives [] for a wildcard that matches nothing (classic fails only when every source is empty)', async () => {
    const source = await openContext({ 'a.txt': 'a' });
    expect(await source.resolve('*.zip')).toEqual([]);
    expect(await source.resolve('../*')).toEqual([]);
  });

  it('does not match excluded paths with wildcards', async () => {
    const source = await openContext({ '.dockerignore': 'secret.txt\n', 'secret.txt': 's', 'public.txt': 'p' });
    expect((await source.resolve('*.txt')).map((e) => e.path)).toEqual(['public.txt']);
  });

  it('forbids paths that climb above the root', async () => {
    const source = await openContext({ 'a.txt': 'a' });
    for (const escape of ['../x', 'a/../../x', '..']) {
      const err = await contextError(source.resolve(escape));
      expect(err.code).toBe('forbidden');
      expect(err.message).toBe(`forbidden path outside the build context: ${escape} ()`);
    }
  });

  it('forbids a path through a file, as Go reports ENOTDIR', async () => {
    const source = await openContext({ 'file.txt': 'f' });
    const err = await contextError(source.resolve('file.txt/x'));
    expect(err.message).toBe('forbidden path outside the build context: file.txt/x ()');
  });

  it('reports missing and excluded sources the classic way', async () => {
    const source = await openContext({ '.dockerignore': 'secret\n', secret: 's', 'dir/a': 'a' });
    expect((await contextError(source.resolve('missing.txt'))).message).toBe(notFound('missing.txt'));
    expect((await contextError(source.resolve('secret'))).message).toBe(notFound('secret'));
    expect((await contextError(source.resolve('dir/missing'))).code).toBe('not-found');
    // Only one leading / and then one ./ are dropped from the name in the message.
    expect((await contextError(source.resolve('.//missing'))).message).toBe(notFound('/missing'));
  });

  it('follows a symlink source inside the context, keeping its name', async () => {
    const source = await openContext({ 'target.txt': 'data', 'link.txt': { symlink: 'target.txt' } });
    const [entry] = await source.resolve('link.txt');
    expect(entry).toMatchObject({ path: 'link.txt', resolvedPath: 'target.txt', type: 'file', size: 4 });
  });

  it('resolves a symlink pointing outside the context within it, never reading outside', async () => {
    const outside = await makeContext({ 'outside.txt': 'secret' });
    const source = await openContext({
      'abs-link': { symlink: `${outside}/outside.txt` },
      'rel-link': { symlink: '../../../../../../../../etc/hostname' },
      'etc/hostname': 'inside',
    });
    // `<outside>/outside.txt` means `<root>/<outside>/outside.txt`, which does not exist.
    expect((await contextError(source.resolve('abs-link'))).message).toBe(notFound('abs-link'));
    // `..` stops at the root: the link leads to the context's own etc/hostname.
    const [entry] = await source.resolve('rel-link');
    expect(entry).toMatchObject({ path: 'rel-link', resolvedPath: 'etc/hostname', size: 6 });
  });

  it('follows symlinked directories in the middle of a path', async () => {
    const source = await openContext({ 'real/file': 'f', linked: { symlink: 'real' } });
    expect((await source.resolve('linked/file'))[0]).toMatchObject({ path: 'linked/file', resolvedPath: 'real/file' });
    expect((await source.resolve('linked'))[0]).toMatchObject({ type: 'directory', resolvedPath: 'real' });
  });

  it('treats a symlink to an excluded file as missing', async () => {
    const source = await openContext({ '.dockerignore': 'secret\n', secret: 's', link: { symlink: 'secret' } });
    expect((await contextError(source.resolve('link'))).message).toBe(notFound('link'));
  });

  it('fails on a dangling symlink matched by a wildcard, naming it', async () => {
    const source = await openContext({ 'a.txt': 'a', 'b.txt': { symlink: 'gone' } });
    expect((await contextError(source.resolve('*.txt'))).message).toBe(notFound('b.txt'));
  });

  it('reports a symlink loop as a forbidden path', async () => {
    const source = await openContext({ loop1: { symlink: 'loop2' }, loop2: { symlink: 'loop1' } });
    expect((await contextError(source.resolve('loop1'))).message).toBe(
      'forbidden path outside the build context: loop1 ()',
    );
  });

  it('handles spaces, unicode and leading dashes in names', async () => {
    const source = await openContext({ 'my file.txt': '1', 'ünï 😀.txt': '2', '-rf': '3', 'dir with space/x': '4' });
    expect((await source.resolve('my file.txt'))[0]!.size).toBe(1);
    expect((await source.resolve('ünï 😀.txt'))[0]!.path).toBe('ünï 😀.txt');
    expect((await source.resolve('-rf'))[0]!.path).toBe('-rf');
    expect((await source.resolve('dir with space/*'))[0]!.path).toBe('dir with space/x');
  });

  it('gives an excluded directory with re-included entries as an implicit 0755 directory', async () => {
    const source = await openContext({
      '.dockerignore': 'secret\n!secret/keep\n',
      'secret/keep/k': 'k',
      'secret/drop': 'd',
    });
    await fs.chmod(path.join(source.root, 'secret'), 0o700);
    const [entry] = await source.resolve('secret');
    expect(entry).toMatchObject({ type: 'directory', mode: 0o755, implicit: true });
    expect((await contextError(source.resolve('secret/drop'))).code).toBe('not-found');
    expect((await source.resolve('secret/keep/k'))[0]!.size).toBe(1);
  });

  it('resolves a context root given through a symlink once, at open', async () => {
    const real = await makeContext({ 'a.txt': 'a' });
    const parent = await tempDir();
    const alias = path.join(parent, 'alias');
    await fs.symlink(real, alias);
    const source = await ContextSource.open(alias);
    expect(source.root).toBe(await fs.realpath(real));
    expect((await source.resolve('a.txt'))[0]!.size).toBe(1);
  });

  it('rejects a missing context folder or a file', async () => {
    const parent = await tempDir();
    expect((await contextError(ContextSource.open(path.join(parent, 'nope')))).message).toMatch(/not found/);
    const file = path.join(parent, 'file');
    await fs.writeFile(file, 'x');
    expect((await contextError(ContextSource.open(file))).message).toMatch(/^context must be a directory/);
  });

  it('lists the context after .dockerignore, with sizes', async () => {
    const source = await openContext({
      '.dockerignore': 'node_modules\n*.log\n',
      'src/index.ts': '12345',
      'node_modules/x/index.js': 'x',
      'debug.log': 'l',
      link: { symlink: 'src' },
    });
    const listed = [];
    for await (const entry of source.walk()) listed.push([entry.path, entry.type, entry.size, entry.linkTarget]);
    expect(listed).toEqual([
      ['.dockerignore', 'file', 19, undefined],
      ['link', 'symlink', 0, 'src'],
      ['src', 'directory', 0, undefined],
      ['src/index.ts', 'file', 5, undefined],
    ]);
    const under = [];
    for await (const entry of source.walk({ under: 'src' })) under.push(entry.path);
    expect(under).toEqual(['src', 'src/index.ts']);
  });
});
