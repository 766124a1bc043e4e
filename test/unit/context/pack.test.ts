/** The tar a COPY step sends, read back with tar-stream. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContextError } from '../../../electron/builder/context';
import { openContext, untar } from './helpers';

const summary = (entries: Awaited<ReturnType<typeof untar>>) =>
  entries.map((e) => [e.name, e.type, e.mode.toString(8), e.linkname ?? ''].join(' '));

describe('pack', () => {
  it('packs a file under the given name, owned by root, with its mode and whole-second mtime', async () => {
    const source = await openContext({ 'src/main.js': { content: 'console.log(1)', mode: 0o640, mtime: 1_700_000_000.75 } });
    const [entry] = await source.resolve('src/main.js');
    const [file, ...rest] = await untar(source.pack([{ entry: entry!, name: 'app/main.js' }]));
    expect(rest).toEqual([]);
    expect(file).toEqual({
      name: 'app/main.js',
      type: 'file',
      mode: 0o640,
      uid: 0,
      gid: 0,
      size: 14,
      mtime: 1_700_000_000_000,
      linkname: null,
      content: 'console.log(1)',
    });
  });

  it('uses the --chown owner when given', async () => {
    const source = await openContext({ 'a.txt': 'a', 'd/b.txt': 'b' });
    const items = [
      { entry: (await source.resolve('a.txt'))[0]!, name: 'a.txt' },
      { entry: (await source.resolve('d'))[0]!, name: 'd' },
    ];
    const entries = await untar(source.pack(items, { uid: 1000, gid: 2000 }));
    expect(entries.map((e) => [e.name, e.uid, e.gid])).toEqual([
      ['a.txt', 1000, 2000],
      ['d/b.txt', 1000, 2000],
    ]);
  });

  it('packs a directory’s contents like classic COPY: links kept, exclusions left out', async () => {
    const source = await openContext({
      '.dockerignore': 'src/secret.txt\nsrc/logs\n!src/logs/keep.log\n',
      'src/index.js': 'i',
      'src/bin/run': { content: '#!/bin/sh', mode: 0o755 },
      'src/empty': { dir: true, mode: 0o700 },
      'src/link': { symlink: 'index.js' },
      'src/h1': 'hh',
      'src/h2': { hardlink: 'src/h1' },
      'src/secret.txt': 's',
      'src/logs/keep.log': 'k',
      'src/logs/drop.log': 'd',
    });
    await fs.chmod(path.join(source.root, 'src/logs'), 0o700);
    const [dir] = await source.resolve('src');
    const entries = await untar(source.pack([{ entry: dir!, name: 'app' }]));
    expect(summary(entries)).toEqual([
      'app/bin/ directory 755 ',
      'app/bin/run file 755 ',
      'app/empty/ directory 700 ',
      'app/h1 file 644 ',
      'app/h2 link 644 app/h1',
      'app/index.js file 644 ',
      'app/link symlink 777 index.js',
      // Excluded but holding a re-included file: the engine would have made it 0755.
      'app/logs/ directory 755 ',
      'app/logs/keep.log file 644 ',
    ]);
    expect(entries.find((e) => e.name === 'app/h1')!.content).toBe('hh');
    expect(entries.every((e) => e.uid === 0 && e.gid === 0)).toBe(true);
  });

  it('packs the root’s contents without a prefix when the name is empty', async () => {
    const source = await openContext({ 'a.txt': 'a', 'd/b.txt': 'b' });
    const [root] = await source.resolve('.');
    expect((await untar(source.pack([{ entry: root!, name: '' }]))).map((e) => e.name)).toEqual([
      'a.txt',
      'd/',
      'd/b.txt',
    ]);
  });

  it('sends a symlink source as the file it leads to, under the source’s name', async () => {
    const source = await openContext({ 'real.txt': { content: 'real', mode: 0o600 }, 'link.txt': { symlink: 'real.txt' } });
    const [entry] = await source.resolve('link.txt');
    const entries = await untar(source.pack([{ entry: entry!, name: 'link.txt' }]));
    expect(entries.map((e) => [e.name, e.type, e.mode, e.content])).toEqual([['link.txt', 'file', 0o600, 'real']]);
  });

  it('adds explicit directory headers (a new COPY destination)', async () => {
    const source = await openContext({ 'a.txt': 'a' });
    const [file] = await source.resolve('a.txt');
    const entries = await untar(
      source.pack([{ directory: 'dest', mode: 0o750, mtimeMs: 1_600_000_000_000 }, { entry: file!, name: 'dest/a.txt' }], {
        uid: 7,
        gid: 8,
      }),
    );
    expect(entries.map((e) => [e.name, e.type, e.mode, e.uid, e.gid, e.mtime])).toEqual([
      ['dest/', 'directory', 0o750, 7, 8, 1_600_000_000_000],
      ['dest/a.txt', 'file', 0o644, 7, 8, expect.any(Number)],
    ]);
  });

  it('keeps mode 0 and odd bits as they are', async () => {
    const source = await openContext({ locked: { content: 'x', mode: 0o000 }, suid: { content: 'y', mode: 0o4711 } });
    const items = await Promise.all(
      ['locked', 'suid'].map(async (name) => ({ entry: (await source.resolve(name))[0]!, name })),
    );
    expect((await untar(source.pack(items))).map((e) => [e.name, e.mode])).toEqual([
      ['locked', 0],
      ['suid', 0o4711],
    ]);
  });

  it('pairs hard links only within one source, as classic copies each source on its own', async () => {
    const source = await openContext({ 'a/x': 'x', 'b/y': { hardlink: 'a/x' } });
    const items = await Promise.all(['a', 'b'].map(async (name) => ({ entry: (await source.resolve(name))[0]!, name })));
    expect(summary(await untar(source.pack(items)))).toEqual(['a/x file 644 ', 'b/y file 644 ']);
  });

  it('handles long and unicode names', async () => {
    const long = `${'deep/'.repeat(30)}ünïcødé 😀 ${'n'.repeat(120)}.txt`;
    const source = await openContext({ [long]: 'long', '-dash': 'd' });
    const [root] = await source.resolve('.');
    const names = (await untar(source.pack([{ entry: root!, name: 'x' }]))).map((e) => e.name);
    expect(names).toContain(`x/${long}`);
    expect(names).toContain('x/-dash');
  });

  it('streams 5000 files', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 5000; i++) files[`many/d${i % 50}/f${i}.txt`] = `file ${i}`;
    const source = await openContext(files);
    const [dir] = await source.resolve('many');
    const entries = await untar(source.pack([{ entry: dir!, name: 'many' }]));
    expect(entries.filter((e) => e.type === 'file')).toHaveLength(5000);
    expect(entries.filter((e) => e.type === 'directory')).toHaveLength(50);
    expect(entries.find((e) => e.name === 'many/d7/f4207.txt')?.content).toBe('file 4207');
  }, 60_000);

  it('streams a file’s bytes for ADD (a followed symlink’s target)', async () => {
    const source = await openContext({ 'app.tar': 'tar bytes', 'latest.tar': { symlink: 'app.tar' } });
    const [entry] = await source.resolve('latest.tar');
    const chunks: Buffer[] = [];
    for await (const chunk of source.read(entry!)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('tar bytes');
  });

  it('fails the stream with a ContextError when a file vanished', async () => {
    const source = await openContext({ 'a.txt': 'a', 'gone.txt': 'g' });
    const items = await Promise.all(['a.txt', 'gone.txt'].map(async (name) => ({ entry: (await source.resolve(name))[0]!, name })));
    await fs.rm(path.join(source.root, 'gone.txt'));
    const err = await untar(source.pack(items)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContextError);
    expect((err as ContextError).code).toBe('changed');
  });

  it('fails the stream with a ContextError naming a file that changed size', async () => {
    const source = await openContext({ 'grow.txt': 'small' });
    const [entry] = await source.resolve('grow.txt');
    await fs.writeFile(path.join(source.root, 'grow.txt'), 'much larger now');
    const err = await untar(source.pack([{ entry: entry!, name: 'grow.txt' }])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContextError);
    expect((err as ContextError).message).toMatch(/grow\.txt changed/);
  });

  it.skipIf(process.getuid?.() === 0)('names an unreadable file', async () => {
    const source = await openContext({ 'private.txt': { content: 'p', mode: 0o000 } });
    const [entry] = await source.resolve('private.txt');
    const err = await untar(source.pack([{ entry: entry!, name: 'p' }])).catch((e: unknown) => e);
    expect((err as ContextError).message).toBe(`no permission to read from '${source.root}/private.txt'`);
    await expect(source.hash(entry!)).rejects.toThrow(/no permission to read from/);
  });
});
