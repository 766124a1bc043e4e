/**
 * Errors in the middle of a step — the engine's (a full disk during a commit, during the image
 * write that follows it, during an upload into the step's container), injected by a proxy
 * between Slipway and a real engine of the test's own; and Slipway's own (its cache index on a
 * full file system): the build fails with a clear error, nothing half-made stays on the
 * engine, and no cache entry points at anything half-made: the next build runs the step again
 * and succeeds.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BuildSession } from '../../electron/builder/session';
import { createBuildEngine } from '../../electron/core/build-engine';
import { engineStateDir } from '../../electron/core/engine-state';
import type { BuildEvent } from '../../shared/events';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy';
import { cachedImages, leaks } from './helpers/second-engine';
import { useSecondEngine } from './helpers/second-engine-suite';

const DISK_FULL = 'write /var/lib/docker/overlay2/3f1c/diff/one: no space left on device';

let proxy: FaultProxy;
const suite = useSecondEngine('faults', { beforeDestroy: () => proxy?.close() });
const { temp, newHome, contextWith, homes } = suite;

beforeAll(async () => {
  proxy = await startFaultProxy(suite.engine.socketPath);
});

/** A build through the proxy, with its own home unless given one. */
async function build(context: string, home: string) {
  const session = new BuildSession(await createBuildEngine(proxy.docker, home), {
    context,
    dockerfile: join(context, 'Dockerfile'),
    tags: [],
    buildArgs: {},
    labels: {},
    noCache: false,
    remove: true,
    forceRemove: false,
    keepFailed: false,
    concurrency: 4,
  });
  const events: BuildEvent[] = [];
  session.onEvent((e) => events.push(e));
  const result = await session.run();
  const cache = (line: number) => {
    const step = events.find((e) => e.type === 'build-started')?.graph.steps.find((s) => s.range.start === line);
    const decision = events.find((e) => e.type === 'step-cache' && e.stepId === step?.id);
    return decision?.type === 'step-cache' ? decision.decision.hit : undefined;
  };
  const failedAt = events.flatMap((e) => (e.type === 'step-failed' ? [e.error.location] : []));
  return { ...result, events, cache, failedAt };
}

/** Every cache entry of the home points at an image the engine has. */
async function danglingEntries(home: string): Promise<string[]> {
  const dangling: string[] = [];
  for (const id of await cachedImages(home)) {
    await suite.engine.docker.getImage(id).inspect().catch(() => dangling.push(id));
  }
  return dangling;
}

describe("Slipway's own disk full during a step", () => {
  it('the commit is not kept: no cache entry, torn or whole, and the image is removed', async () => {
    const context = await contextWith('FROM local/busybox:latest\nRUN echo one > /one\n');
    const home = await newHome();
    // The cache index on a file system of 64 KiB, filled up: a real ENOSPC for the entry's write.
    const cacheDir = join(await engineStateDir(proxy.docker, home), 'build-cache');
    await mkdir(cacheDir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', cacheDir]);
    try {
      await writeFile(join(cacheDir, 'filler'), Buffer.alloc(64 * 1024)).catch(() => {});
      const failed = await build(context, home);
      expect(failed.status).toBe('failed');
      expect(failed.error?.message).toBe(`Slipway could not write its build cache in ${cacheDir}: ENOSPC: no space left on device, write`);
      expect(failed.failedAt).toEqual([{ start: 2, end: 2 }]);
      // Nothing but the filler: no entry, and no half-written temporary file.
      expect((await readdir(cacheDir, { recursive: true })).filter((f) => f !== 'filler' && !(f as string).match(/^[0-9a-f]{32}$/))).toEqual([]);
      expect(await leaks(suite.engine.docker, homes)).toEqual([]);
    } finally {
      execFileSync('umount', [cacheDir]);
    }
    const again = await build(context, home);
    expect(again.status).toBe('succeeded');
    expect(again.cache(2)).toBe(false);
    expect(await leaks(suite.engine.docker, homes)).toEqual([]);
  });
});

describe('an engine error during a step', () => {
  it('during the commit: a clear error, nothing half-made, and the next build runs the step again', async () => {
    const context = await contextWith('FROM local/busybox:latest\nENV STEP=one\nRUN echo one > /one\nRUN echo two > /two\n');
    const home = await newHome();
    proxy.add({ method: 'POST', path: /^\/commit$/, action: { fail: { status: 500, message: DISK_FULL } }, times: 1 });

    const failed = await build(context, home);
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toBe(`The Docker engine could not commit the step's container: ${DISK_FULL}`);
    expect(failed.failedAt).toEqual([{ start: 3, end: 3 }]);
    expect(await leaks(suite.engine.docker, homes)).toEqual([]);
    expect(await danglingEntries(home)).toEqual([]);

    const again = await build(context, home);
    expect(again.status).toBe('succeeded');
    expect([again.cache(2), again.cache(3), again.cache(4)]).toEqual([true, false, false]);
    expect(await leaks(suite.engine.docker, homes)).toEqual([]);
  });

  it("during the write of the commit's image: the commit the engine made is removed too", async () => {
    const context = await contextWith('FROM local/busybox:latest\nRUN echo one > /one\n');
    const home = await newHome();
    const before = proxy.seen.length;
    // The first image write after the commit: the step's exact config over the committed layers.
    proxy.add({ method: 'POST', path: /^\/images\/load$/, action: { fail: { status: 500, message: 'no space left on device' } }, times: 1 });

    const failed = await build(context, home);
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toBe("The Docker engine could not commit the step's container: no space left on device");
    // The engine did commit (a real image) before the write failed: the build removed it.
    expect(proxy.seen.slice(before).filter((s) => s.path === '/commit').map((s) => s.outcome)).toEqual([201]);
    expect(await leaks(suite.engine.docker, homes)).toEqual([]);
    expect(await cachedImages(home)).toEqual(new Set());

    const again = await build(context, home);
    expect(again.status).toBe('succeeded');
    expect(again.cache(2)).toBe(false);
    expect(await leaks(suite.engine.docker, homes)).toEqual([]);
  });

  it('during the upload of COPY sources: a clear error, the step container removed', async () => {
    const context = await contextWith('FROM local/busybox:latest\nRUN echo one > /one\nCOPY file.txt /file.txt\n', { 'file.txt': 'hello\n' });
    const home = await newHome();
    proxy.add({ method: 'PUT', path: /^\/containers\/[0-9a-f]+\/archive$/, action: { fail: { status: 500, message: DISK_FULL } }, times: 1 });

    const failed = await build(context, home);
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toBe(`The Docker engine could not copy files into the step's container: ${DISK_FULL}`);
    expect(failed.failedAt).toEqual([{ start: 3, end: 3 }]);
    expect(await leaks(suite.engine.docker, homes)).toEqual([]);
    expect(await danglingEntries(home)).toEqual([]);

    const again = await build(context, home);
    expect(again.status).toBe('succeeded');
    expect([again.cache(2), again.cache(3)]).toEqual([true, false]);
    expect(await leaks(suite.engine.docker, homes)).toEqual([]);
  });
});
