/** Source digests, as the classic builder records them (`COPY file:<hex> in /`). */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { combineSourceHashes, ContextSource } from '../../../electron/builder/context';
import { openContext, type Spec } from './helpers';

/**
 * A context built the same way on a real engine (Docker 20.10 with CLI 28, `DOCKER_BUILDKIT=0`),
 * whose `docker history` gave the digests below.
 */
const ENGINE_FIXTURE: Record<string, Spec> = {
  '.dockerignore': 'secretdir\n!secretdir/keep\n*.bak\nbuild\n',
  'hello.txt': 'hello\n',
  'dir/a.txt': 'a',
  'dir/link': { symlink: '../hello.txt' },
  'dir/abs': { symlink: '/etc/passwd' },
  'dir/sub/b': 'b',
  'exec.sh': { content: '#!/bin/sh\necho hi\n', mode: 0o755 },
  h1: 'hl\n',
  h2: { hardlink: 'h1' },
  'ünï 😀.txt': { content: 'u', mode: 0o600 },
  empty: '',
  'secretdir/keep/k.txt': 'k\n',
  'secretdir/drop.txt': 'd',
  'x.bak': 'b',
  'build/Dockerfile': 'FROM scratch\n',
};

const ENGINE_HASHES: [source: string[], hash: string][] = [
  [['hello.txt'], 'file:c50ecf0f8081044924e199cfe6cfd18d0c9dd4d16be07790bb24f7088112b98e'],
  // Symlinks inside are hashed as their targets; one leading outside hashes as its own path.
  [['dir'], 'dir:f8c18121d2f766e9415cf19af777c5d386bff0e2ac519dff7ca96982cbadc6de'],
  [['dir/link'], 'file:c50ecf0f8081044924e199cfe6cfd18d0c9dd4d16be07790bb24f7088112b98e'],
  [['exec.sh'], 'file:87082cd5934f491d5b924801adfc90a50c1b02f887c1f21d18c239bebad98496'],
  // h2 went into the CLI's tar as a hard link to h1: its digest has no content.
  [['h1'], 'file:b37f3aa14845d4ea20b49c3e42bd8175b66db33996ef8d3decee7f5f6cc9fb56'],
  [['h2'], 'file:c88cd226a465eb3c7a0e6b5df2e8ef85b9c21e092064a4202b3ead354762f279'],
  [['ünï 😀.txt'], 'file:cb7b16a8e58eefa2c55e13f589e76a0b4228dcf319914e8baf48711962a13302'],
  [['empty'], 'file:545cac804bb64dccc8334bcc23561d7663ca64e2f918b852e482f5e5c0ee5966'],
  // An excluded directory holding re-included entries: the engine made it, so it hashes as its path.
  [['secretdir'], 'dir:94bf2cb486417b97c53ffab63d6539ed52ba1a393b067415f7575d612bb87534'],
  // Left only because the CLI sent build/Dockerfile, which the engine then deleted.
  [['build'], 'dir:44575cf5b28512d75644bf54a517dcef304ff809fd511747621b4d64f19aac66'],
  [['.'], 'dir:4e838cb95ed5aad28d49d0a29fa6069047d2c5ca9695c3918ec1cab5d4e58b00'],
  [['*.txt'], 'multi:23264378ce2309b35de7ac5c2e0c5439d34afdfe76af382253a30ce3a4bcff6a'],
  [['h*'], 'multi:7b810b6e5b2fd011d00da331ad536bea436ee609c47bf0661d0650715d7cbccc'],
  [['dir/sub'], 'dir:c5008dcac3852c1fd22f5bb3f5d82d3eef70aa0f2476ca8ab047745d81b97514'],
  [['dir/su?'], 'dir:c5008dcac3852c1fd22f5bb3f5d82d3eef70aa0f2476ca8ab047745d81b97514'],
];

/** What a COPY with these sources records. */
async function copyHash(source: ContextSource, sources: string[]): Promise<string> {
  const hashes: string[] = [];
  for (const one of sources) for (const entry of await source.resolve(one)) hashes.push(await source.hash(entry));
  return combineSourceHashes(hashes);
}

describe('hash', () => {
  it('reproduces the digests a real engine recorded', async () => {
    const source = await openContext(ENGINE_FIXTURE, { dockerfile: 'build/Dockerfile' });
    for (const [sources, expected] of ENGINE_HASHES) {
      expect(`${sources.join(' ')} ${await copyHash(source, sources)}`).toBe(`${sources.join(' ')} ${expected}`);
    }
  });

  it('hashes a symlink listed by walk() as COPY of that path would', async () => {
    const source = await openContext(ENGINE_FIXTURE, { dockerfile: 'build/Dockerfile' });
    const listed = new Map<string, Awaited<ReturnType<ContextSource['resolve']>>[number]>();
    for await (const entry of source.walk({ under: 'dir' })) listed.set(entry.path, entry);
    expect(await source.hash(listed.get('dir/link')!)).toBe(ENGINE_HASHES[2]![1]);
    // Its target is outside the context (so missing in it): the digest is the link's path.
    expect(await source.hash(listed.get('dir/abs')!)).toBe('file:dir/abs');
  });

  it('ignores mtimes', async () => {
    const source = await openContext({ 'd/f.txt': { content: 'same', mtime: 1_000_000 } });
    const before = [await copyHash(source, ['d/f.txt']), await copyHash(source, ['d'])];
    await fs.utimes(path.join(source.root, 'd/f.txt'), 2_000_000, 2_000_000);
    await fs.utimes(path.join(source.root, 'd'), 2_000_000, 2_000_000);
    const reopened = await ContextSource.open(source.root);
    expect([await copyHash(reopened, ['d/f.txt']), await copyHash(reopened, ['d'])]).toEqual(before);
  });

  it('changes with content, mode and name', async () => {
    const base = await copyHash(await openContext({ 'f.txt': 'one' }), ['f.txt']);
    expect(await copyHash(await openContext({ 'f.txt': 'two' }), ['f.txt'])).not.toBe(base);
    expect(await copyHash(await openContext({ 'f.txt': { content: 'one', mode: 0o600 } }), ['f.txt'])).not.toBe(base);
    expect(await copyHash(await openContext({ 'g.txt': 'one' }), ['g.txt'])).not.toBe(base);
  });

  it('leaves excluded files out of a directory digest', async () => {
    const files = { 'app/a.js': 'a', 'app/b.js': 'b' };
    const plain = await copyHash(await openContext({ ...files, '.dockerignore': 'app/*.map\n' }), ['app']);
    const withExcluded = await openContext({ ...files, '.dockerignore': 'app/*.map\n', 'app/a.js.map': 'map' });
    expect(await copyHash(withExcluded, ['app'])).toBe(plain);
    const withIncluded = await openContext({ ...files, '.dockerignore': 'app/*.map\n', 'app/c.js': 'c' });
    expect(await copyHash(withIncluded, ['app'])).not.toBe(plain);
  });

  it('hashes a directory deterministically and covers subdirectory modes', async () => {
    const files = { 'd/x': 'x', 'd/sub/y': 'y' };
    const one = await copyHash(await openContext(files), ['d']);
    expect(await copyHash(await openContext(files), ['d'])).toBe(one);
    expect(one).toMatch(/^dir:[0-9a-f]{64}$/);
    const otherMode = await openContext({ 'd/x': 'x', 'd/sub': { dir: true, mode: 0o700 }, 'd/sub/y': 'y' });
    expect(await copyHash(otherMode, ['d'])).not.toBe(one);
  });

  it('combines several sources into multi:, and keeps a single one as is', () => {
    expect(combineSourceHashes(['file:abc'])).toBe('file:abc');
    // sha256 of the comma-joined hashes, in source order.
    expect(combineSourceHashes(['file:a', 'dir:b'])).toBe('multi:11b7a12d4bc24c7dde597ae90b75f582409d8bf19b0f0fa5881a18f528acd619');
  });
});
