import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import tar from 'tar-stream';
import { missingPaths, stubsToRemove } from '../../electron/builder/run/mount-stubs';
import { TarFilter } from '../../electron/builder/run/tar-filter';
import { renameTarEntries, underRoot } from '../../electron/builder/run/tar-rename';
import { Readable } from 'node:stream';
import { CacheMountCoordinator, cacheVolumeName } from '../../electron/builder/run/cache-volumes';
import type { VolumeBackend } from '../../electron/builder/run/backend';
import type { CacheMountPlan } from '../../electron/builder/run/mount-plan';

async function tarOf(entries: { name: string; type?: 'file' | 'directory' | 'link' | 'symlink'; body?: string; linkname?: string; pax?: Record<string, string> }[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    pack.entry({ name: e.name, type: e.type ?? 'file', mode: 0o644, ...(e.linkname ? { linkname: e.linkname } : {}), ...(e.pax ? { pax: e.pax } : {}) }, e.body ?? '');
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function namesIn(archive: Buffer): Promise<{ name: string; body: string; linkname?: string | null; pax?: unknown }[]> {
  const extract = tar.extract();
  const out: { name: string; body: string; linkname?: string | null; pax?: unknown }[] = [];
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(Buffer.from(c as Uint8Array));
      out.push({ name: entry.header.name, body: Buffer.concat(chunks).toString(), linkname: entry.header.linkname, pax: entry.header.pax });
    }
  })();
  extract.end(archive);
  await done;
  return out;
}

/** Runs the filter over `archive` in chunks of `size` bytes (headers and bodies split anywhere). */
function filterInChunks(archive: Buffer, drop: (name: string) => boolean, size: number): { out: Buffer; filter: TarFilter } {
  const filter = new TarFilter(drop);
  const parts: Buffer[] = [];
  for (let i = 0; i < archive.length; i += size) parts.push(...filter.push(archive.subarray(i, i + size)));
  parts.push(...filter.end());
  return { out: Buffer.concat(parts), filter };
}

describe('dropping entries from a layer tar, byte for byte', () => {
  it('keeps every other entry exactly, whatever the chunking', async () => {
    const long = `usr/${'deep/'.repeat(30)}file.txt`;
    const archive = await tarOf([
      { name: 'run/', type: 'directory' },
      { name: 'run/secrets/', type: 'directory' },
      { name: 'run/secrets/tok', body: '' },
      { name: 'etc/app.conf', body: 'a'.repeat(1000) },
      { name: long, body: 'long name' },
      { name: 'bin/tool', body: 'x', pax: { 'SCHILY.xattr.security.capability': 'cap' } },
      { name: 'bin/hard', type: 'link', linkname: 'bin/tool' },
    ]);
    for (const size of [1, 7, 512, 100_000]) {
      const { out, filter } = filterInChunks(archive, (n) => n === 'run/secrets' || n === 'run/secrets/tok', size);
      const entries = await namesIn(out);
      expect(entries.map((e) => e.name)).toEqual(['run/', 'etc/app.conf', long, 'bin/tool', 'bin/hard']);
      expect(entries.find((e) => e.name === long)?.body).toBe('long name');
      expect(entries.find((e) => e.name === 'bin/tool')?.pax).toMatchObject({ 'SCHILY.xattr.security.capability': 'cap' });
      expect(entries.find((e) => e.name === 'bin/hard')?.linkname).toBe('bin/tool');
      expect(filter.kept).toBe(5);
      expect(filter.dropped).toBe(2);
    }
  });

  it('gives the same bytes back when nothing is dropped (up to the end marker)', async () => {
    const archive = await tarOf([{ name: 'a', body: 'hello' }, { name: 'b/', type: 'directory' }]);
    const { out } = filterInChunks(archive, () => false, 64);
    const end = (b: Buffer) => b.subarray(0, 512 * 3); // two entries' headers and one data block
    expect(createHash('sha256').update(end(out)).digest('hex')).toBe(createHash('sha256').update(end(archive)).digest('hex'));
  });

  it('drops an entry named through a long-name header', async () => {
    const long = `x/${'y'.repeat(150)}`;
    const archive = await tarOf([{ name: long, body: 'gone' }, { name: 'kept', body: 'k' }]);
    const { out } = filterInChunks(archive, (n) => n === long, 33);
    expect((await namesIn(out)).map((e) => e.name)).toEqual(['kept']);
  });
});

describe('re-rooting a stage path for a bind mount', () => {
  it('moves `./x` under the root, hard links with their targets', async () => {
    const archive = await tarOf([
      { name: './', type: 'directory' },
      { name: './file', body: 'data' },
      { name: './same', type: 'link', linkname: './file' },
    ]);
    const renamed = renameTarEntries(Readable.from([archive]), underRoot('binds/3'));
    const chunks: Buffer[] = [];
    for await (const chunk of renamed) chunks.push(Buffer.from(chunk as Uint8Array));
    const entries = await namesIn(Buffer.concat(chunks));
    expect(entries.map((e) => [e.name, e.linkname || undefined])).toEqual([
      ['binds/3/', undefined],
      ['binds/3/file', undefined],
      ['binds/3/same', 'binds/3/file'],
    ]);
    expect(entries[1]!.body).toBe('data');
  });

  it('renames entries whose long names came in PAX records', async () => {
    const long = `./${'d'.repeat(120)}/file`;
    const archive = await tarOf([{ name: long, body: 'x', pax: { path: long, 'SCHILY.xattr.user.k': 'v' } }]);
    const renamed = renameTarEntries(Readable.from([archive]), underRoot('binds/4'));
    const chunks: Buffer[] = [];
    for await (const chunk of renamed) chunks.push(Buffer.from(chunk as Uint8Array));
    const entries = await namesIn(Buffer.concat(chunks));
    expect(entries.map((e) => e.name)).toEqual([`binds/4/${'d'.repeat(120)}/file`]);
    expect(entries[0]!.pax).toMatchObject({ 'SCHILY.xattr.user.k': 'v' });
  });
});

describe('mount stubs', () => {
  it('finds a target and its missing parents, deepest first', async () => {
    const exists = new Set(['/', '/root', '/run']);
    const missing = await missingPaths(['/root/.cache/pip', '/run/secrets/a', '/run/secrets/b', '/tmp'], async (p) => exists.has(p));
    expect(missing).toEqual(['/root/.cache/pip', '/run/secrets/a', '/run/secrets/b', '/root/.cache', '/run/secrets', '/tmp']);
  });

  it('removes stubs holding nothing, and parents changed only by a stub', () => {
    const missing = ['/root/.cache/pip', '/root/.cache', '/run/secrets/a', '/run/secrets', '/opt/x'];
    const removed = stubsToRemove(missing, [
      { path: '/root', kind: 'modified' },
      { path: '/root/.cache', kind: 'added' },
      { path: '/root/.cache/pip', kind: 'added' },
      { path: '/run', kind: 'modified' },
      { path: '/run/secrets', kind: 'added' },
      { path: '/run/secrets/a', kind: 'added' },
      { path: '/run/made-by-the-command', kind: 'added' },
      { path: '/opt', kind: 'added' },
      { path: '/opt/x', kind: 'added' },
    ]);
    expect([...removed].sort()).toEqual(['root', 'root/.cache', 'root/.cache/pip', 'run/secrets', 'run/secrets/a', 'opt/x'].sort());
  });

  it('keeps a stub the command wrote into', () => {
    const removed = stubsToRemove(['/data/mnt', '/data'], [
      { path: '/data', kind: 'added' },
      { path: '/data/mnt', kind: 'added' },
      { path: '/data/output.txt', kind: 'added' },
    ]);
    expect([...removed]).toEqual(['data/mnt']);
  });
});

describe('cache volume sharing', () => {
  const plan = (sharing: CacheMountPlan['sharing']): CacheMountPlan => ({ kind: 'cache', target: '/c', id: 'unit-test', sharing, readOnly: false });
  const fakeVolumes = () => {
    const made = new Map<string, Record<string, string>>();
    const volumes: VolumeBackend = {
      find: async (name) => (made.has(name) ? { name, labels: made.get(name)! } : undefined),
      create: async (name, labels) => void made.set(name, labels),
      createScratch: async () => 'scratch',
      mountpoint: async (name) => `/v/${name}`,
      remove: async (name) => void made.delete(name),
    };
    return { made, volumes };
  };

  it('shares one volume, labelled with the id, and initialises owner and mode only when made', async () => {
    const { made, volumes } = fakeVolumes();
    const coordinator = new CacheMountCoordinator();
    const initialised: string[] = [];
    const withOwner = { ...plan('shared'), uid: 1000 };
    const a = await coordinator.acquire(withOwner, volumes, async (v) => void initialised.push(v));
    const b = await coordinator.acquire(withOwner, volumes, async (v) => void initialised.push(v));
    expect(a.volume).toBe(b.volume);
    expect(a.volume).toBe(cacheVolumeName('unit-test'));
    expect(made.get(a.volume)).toEqual({ 'dev.slipway.cache': 'unit-test' });
    expect(initialised).toEqual([a.volume]);
  });

  it('gives a private mount in use another instance', async () => {
    const { volumes } = fakeVolumes();
    const coordinator = new CacheMountCoordinator();
    const a = await coordinator.acquire(plan('private'), volumes, async () => {});
    const b = await coordinator.acquire(plan('private'), volumes, async () => {});
    expect(b.volume).not.toBe(a.volume);
    a.release();
    const c = await coordinator.acquire(plan('private'), volumes, async () => {});
    expect(c.volume).toBe(a.volume);
  });

  it('makes locked mounts take turns, and a cancelled waiter gives its turn up', async () => {
    const { volumes } = fakeVolumes();
    const coordinator = new CacheMountCoordinator();
    const order: string[] = [];
    const first = await coordinator.acquire(plan('locked'), volumes, async () => {});
    const cancelled = new AbortController();
    const second = coordinator.acquire(plan('locked'), volumes, async () => {}, cancelled.signal).then(
      () => order.push('second'),
      () => order.push('second gave up'),
    );
    const third = coordinator.acquire(plan('locked'), volumes, async () => {}).then((lease) => {
      order.push('third');
      lease.release();
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]);
    cancelled.abort();
    await second;
    order.push('first releases');
    first.release();
    await third;
    expect(order).toEqual(['second gave up', 'first releases', 'third']);
  });
});
