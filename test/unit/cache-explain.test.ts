import { promises as fs } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ContextSource } from '../../electron/builder/context';
import { DiskImageCache } from '../../electron/builder/image-cache/cache';
import { MAX_SOURCE_FILES, sourceFileHashes, type SourceFiles } from '../../electron/builder/image-cache/source-files';
import { emptyRunConfig, withChanges, type RunConfig } from '../../electron/builder/image/config';
import type { CacheDiff } from '../../shared/events';
import { makeContext, tempDir } from './context/helpers';

const PARENT = 'sha256:' + 'a'.repeat(64);
const copyProbe = (hash: string, dest = '/app/'): RunConfig =>
  withChanges(emptyRunConfig(), (c) => {
    c.Env = ['PATH=/usr/bin'];
    c.Cmd = ['/bin/sh', '-c', `#(nop) COPY ${hash} in ${dest} `];
  });
const runProbe = (cmd: string[], change: (c: RunConfig) => void = () => {}): RunConfig =>
  withChanges(emptyRunConfig(), (c) => {
    c.Env = ['PATH=/usr/bin'];
    c.Cmd = cmd;
    change(c);
  });

async function cacheIn(existing: Set<string> = new Set(['sha256:img1', 'sha256:img2', 'sha256:img3'])) {
  return new DiskImageCache(await tempDir(), async (id) => existing.has(id));
}

const given = (files: SourceFiles | undefined) => async () => files;
const changesOf = (diff: CacheDiff | undefined) => (diff?.kind === 'changes' ? diff.changes : undefined);

describe('cache miss explanations', () => {
  it('names the context file that changed, and those added and removed', async () => {
    const root = await makeContext({ 'app/main.txt': 'one', 'app/util.txt': 'same', 'app/old.txt': 'gone soon' });
    const context = await ContextSource.open(root);
    const before = await sourceFileHashes(context, ['app/']);
    expect(Object.keys(before!).sort()).toEqual(['app/', 'app/main.txt', 'app/old.txt', 'app/util.txt']);

    const cache = await cacheIn();
    await cache.record({ parent: PARENT, probe: copyProbe('dir:1111'), imageId: 'sha256:img1', step: 'COPY app/ /app/', sources: before });

    await fs.writeFile(`${root}/app/main.txt`, 'two');
    await fs.rm(`${root}/app/old.txt`);
    await fs.writeFile(`${root}/app/new.txt`, 'new');
    const again = await ContextSource.open(root);
    const after = await sourceFileHashes(again, ['app/']);
    const found = await cache.lookup(PARENT, copyProbe('dir:2222'), 'COPY app/ /app/', given(after));

    expect(found.imageId).toBeUndefined();
    expect(found.decision.hit).toBe(false);
    expect(found.decision.reason).toBe('changed since the last build: the source files changed: app/main.txt changed, app/new.txt added, app/old.txt removed');
    expect(!found.decision.hit && changesOf(found.decision.diff)).toEqual([
      { kind: 'files', changed: ['app/main.txt'], added: ['app/new.txt'], removed: ['app/old.txt'], complete: true },
    ]);
  });

  it('says the files are unknown when the earlier entry kept no per-file hashes, and teaches it on a hit', async () => {
    const cache = await cacheIn();
    await cache.record({ parent: PARENT, probe: copyProbe('file:aaa'), imageId: 'sha256:img1', step: 'COPY a.txt /app/' });
    const miss = await cache.lookup(PARENT, copyProbe('file:bbb'), 'COPY a.txt /app/', given({ 'a.txt': 'file:bbb' }));
    expect(!miss.decision.hit && changesOf(miss.decision.diff)).toEqual([{ kind: 'files', changed: [], added: [], removed: [], complete: false }]);
    expect(miss.decision.reason).toMatch(/source files changed \(which ones is not known/);

    // A hit on the old entry records the files; the next change is then named.
    const hit = await cache.lookup(PARENT, copyProbe('file:aaa'), 'COPY a.txt /app/', given({ 'a.txt': 'file:aaa' }));
    expect(hit.imageId).toBe('sha256:img1');
    // Once the entry has them, a hit does not compute the files at all.
    let asked = 0;
    const again = await cache.lookup(PARENT, copyProbe('file:aaa'), 'COPY a.txt /app/', async () => (asked++, { 'a.txt': 'file:aaa' }));
    expect(again.imageId).toBe('sha256:img1');
    expect(asked).toBe(0);
    const named = await cache.lookup(PARENT, copyProbe('file:ccc'), 'COPY a.txt /app/', given({ 'a.txt': 'file:ccc' }));
    expect(named.decision.reason).toBe('changed since the last build: the source files changed: a.txt changed');
  });

  it('names build args by name only, never their values', async () => {
    const cache = await cacheIn();
    const cmd = (v: string) => ['|2', 'A=same', `TOKEN=${v}`, '/bin/sh', '-c', 'echo $TOKEN'];
    await cache.record({ parent: PARENT, probe: runProbe(cmd('s3cret-1')), imageId: 'sha256:img1', step: 'RUN echo $TOKEN' });
    const found = await cache.lookup(PARENT, runProbe(cmd('s3cret-2')), 'RUN echo $TOKEN');
    expect(found.decision.reason).toBe('changed since the last build: build arg TOKEN changed');
    expect(!found.decision.hit && changesOf(found.decision.diff)).toEqual([{ kind: 'build-args', names: ['TOKEN'] }]);
    expect(JSON.stringify(found.decision)).not.toContain('s3cret');
  });

  it('names config fields with before and after, and a reordered Env as such', async () => {
    const cache = await cacheIn();
    const cmd = ['/bin/sh', '-c', 'true'];
    await cache.record({
      parent: PARENT,
      probe: runProbe(cmd, (c) => ((c.Env = ['A=1', 'B=2']), (c.User = 'root'), (c.Labels = { x: '1' }))),
      imageId: 'sha256:img1',
      step: 'RUN true',
    });
    const found = await cache.lookup(PARENT, runProbe(cmd, (c) => ((c.Env = ['B=2', 'A=1']), (c.User = 'app'), (c.Labels = { x: '1' }))), 'RUN true');
    expect(!found.decision.hit && changesOf(found.decision.diff)).toEqual([
      {
        kind: 'config',
        fields: [
          { field: 'Env order', before: '["A=1","B=2"]', after: '["B=2","A=1"]' },
          { field: 'User', before: '"root"', after: '"app"' },
        ],
      },
    ]);
    expect(found.decision.reason).toBe('changed since the last build: the order of Env changed; User changed from "root" to "app"');
  });

  it('prefers the same instruction, and otherwise names the closest one and the command change', async () => {
    const cache = await cacheIn();
    await cache.record({ parent: PARENT, probe: runProbe(['/bin/sh', '-c', 'echo a']), imageId: 'sha256:img1', step: 'RUN echo a' });
    const other = await cache.lookup(PARENT, runProbe(['/bin/sh', '-c', 'echo b']), 'RUN echo b');
    expect(other.decision.reason).toBe('no earlier build ran this instruction here (closest: "RUN echo a": the instruction changed from "RUN echo a" to "RUN echo b")');
    expect(!other.decision.hit && other.decision.diff).toMatchObject({ kind: 'changes', step: 'RUN echo a', changes: [{ kind: 'command', before: 'RUN echo a', after: 'RUN echo b' }] });

    // Same text, other shell: the command (and the Shell field) changed.
    await cache.record({ parent: PARENT, probe: runProbe(['/bin/sh', '-c', 'echo b']), imageId: 'sha256:img2', step: 'RUN echo b' });
    const shell = await cache.lookup(PARENT, runProbe(['/bin/bash', '-c', 'echo b'], (c) => (c.Shell = ['/bin/bash', '-c'])), 'RUN echo b');
    expect(!shell.decision.hit && changesOf(shell.decision.diff)).toEqual([
      { kind: 'command', before: '/bin/sh -c echo b', after: '/bin/bash -c echo b' },
      { kind: 'config', fields: [{ field: 'Shell', before: 'null', after: '["/bin/bash","-c"]' }] },
    ]);
  });

  it('compares with the most recent of equally close entries (the nearest earlier key)', async () => {
    const cache = await cacheIn();
    await cache.record({ parent: PARENT, probe: copyProbe('file:v1'), imageId: 'sha256:img1', step: 'COPY a.txt /app/', sources: { 'a.txt': 'file:v1', 'b.txt': 'file:b' } });
    await new Promise((r) => setTimeout(r, 5));
    await cache.record({ parent: PARENT, probe: copyProbe('file:v2'), imageId: 'sha256:img2', step: 'COPY a.txt /app/', sources: { 'a.txt': 'file:v2' } });
    const found = await cache.lookup(PARENT, copyProbe('file:v3'), 'COPY a.txt /app/', given({ 'a.txt': 'file:v3' }));
    expect(!found.decision.hit && changesOf(found.decision.diff)).toEqual([{ kind: 'files', changed: ['a.txt'], added: [], removed: [], complete: true }]);
  });

  it('reports a first build on a parent, a vanished image and --no-cache as such', async () => {
    const cache = await cacheIn(new Set());
    const first = await cache.lookup(PARENT, runProbe(['true']), 'RUN true');
    expect(first.decision).toEqual({ hit: false, reason: 'no earlier build ran a step on this parent image', diff: { kind: 'new' } });
    await cache.record({ parent: PARENT, probe: runProbe(['true']), imageId: 'sha256:img9', step: 'RUN true' });
    const gone = await cache.lookup(PARENT, runProbe(['true']), 'RUN true');
    expect(!gone.decision.hit && gone.decision.diff).toEqual({ kind: 'image-gone', imageId: 'sha256:img9' });
  });

  it('keeps per-file hashes only up to the bound', async () => {
    expect(MAX_SOURCE_FILES).toBe(10_000);
    const entries: Record<string, string> = { 'one.txt': 'x' };
    for (let i = 0; i <= 50; i++) entries[`many/f${i}`] = '';
    const context = await ContextSource.open(await makeContext(entries));
    expect(await sourceFileHashes(context, ['many'], [], [], 50)).toBeUndefined();
    expect(Object.keys((await sourceFileHashes(context, ['many'], [], [], 52))!)).toHaveLength(52);
    expect(await sourceFileHashes(context, ['one.txt', 'https://example.com/x.tgz'], [{ hash: 'file:dl' }], [{ name: 'EOT', hash: 'file:inline' }])).toEqual({
      'one.txt': expect.stringMatching(/^file:[0-9a-f]{64}$/),
      'https://example.com/x.tgz': 'file:dl',
      '(heredoc) EOT': 'file:inline',
    });
  });
});
