/**
 * Interactive inspection against the real engine, through the core's calls: a breakpoint pauses
 * a build before a step, a shell opens in the state the step starts from, 'step' pauses at the
 * next one, cancelling ends a pause; with break-on-failure a failed RUN waits with its container,
 * the diff names what it added and deleted, shells before and after see the files accordingly,
 * and closing removes every container and debug image; the start-up sweep removes dead ones'.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/app-core';
import { dispatch } from '../../electron/core/dispatch';
import { sweepLeftovers } from '../../electron/core/sweep';
import { BUILD_LABEL, OWNER_LABEL, processOwner } from '../../electron/docker/containers';
import { DEBUG_LABEL } from '../../electron/docker/debug-containers';
import type { BuildEventBatch, CallChannel, RequestOf, ResponseOf } from '../../shared/contract';
import type { BuildEvent, EventOf } from '../../shared/events';
import { BASE_IMAGE } from './engine-setup';
import { docker } from './helpers/engine';

const OK_DOCKERFILE = `FROM ${BASE_IMAGE}
RUN echo old-content > /doomed.txt
RUN echo three > /three.txt
RUN echo four > /four.txt
`;
const FAIL_DOCKERFILE = `FROM ${BASE_IMAGE}
RUN echo old-content > /doomed.txt
RUN echo hi-from-step > /made-by-step && rm /doomed.txt && exit 3
`;

const dir = mkdtempSync(join(tmpdir(), 'slipway-debug-ctx-'));
writeFileSync(join(dir, 'Dockerfile'), OK_DOCKERFILE);
writeFileSync(join(dir, 'fail.Dockerfile'), FAIL_DOCKERFILE);
const home = mkdtempSync(join(tmpdir(), 'slipway-debug-home-'));
const core: Core = createCore(docker, home);
const images = new Set<string>();

/** Everything the core published: build events by build, shell output by shell. */
const events = new Map<string, BuildEvent[]>();
const output = new Map<string, string>();
core.subscribe((channel, payload) => {
  if (channel === 'slipway:build:events') {
    const batch = payload as BuildEventBatch;
    const list = events.get(batch.buildId) ?? [];
    events.set(batch.buildId, list);
    list.push(...batch.events);
    for (const e of batch.events) if (e.type === 'step-done' && !e.cached && e.imageId) images.add(e.imageId);
  }
  if (channel === 'slipway:shell:output') {
    const { shellId, data } = payload as { shellId: string; data: string };
    output.set(shellId, (output.get(shellId) ?? '') + data);
  }
});

afterAll(async () => {
  await core.shutdown();
  for (const id of [...images].reverse()) await docker.getImage(id).remove({ force: true }).catch(() => {});
  await rm(dir, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

async function ok<C extends CallChannel>(channel: C, request?: RequestOf<C>): Promise<ResponseOf<C>> {
  const envelope = await dispatch(core.handlers, channel, request);
  if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.code} ${envelope.error.message}`);
  return envelope.result as ResponseOf<C>;
}

async function until<T>(what: string, find: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const eventOf = <T extends BuildEvent['type']>(buildId: string, type: T, match: (e: EventOf<T>) => boolean = () => true) =>
  until(`${type} of ${buildId}`, () => (events.get(buildId) ?? []).find((e): e is EventOf<T> => e.type === type && match(e as EventOf<T>)));

/** Types a line into a shell and waits for `expect` in its output. */
async function run(shellId: string, line: string, expected: RegExp): Promise<string> {
  await ok('slipway:shell:input', { shellId, data: `${line}\n` });
  return until(`${expected} in the shell`, () => (expected.test(output.get(shellId) ?? '') ? output.get(shellId) : undefined), 20_000);
}

/** Containers (any state) and debug images of a build, by Slipway's labels. */
async function leftoversOf(buildId: string): Promise<{ containers: string[]; images: string[] }> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${BUILD_LABEL}=${buildId}`] } });
  const debugImages = await docker.listImages({ all: true, filters: { label: [DEBUG_LABEL, `${BUILD_LABEL}=${buildId}`] } });
  return { containers: containers.map((c) => c.Names.join(',')), images: debugImages.map((i) => i.Id) };
}

const start = (dockerfile: string, extra: { breakpoints?: string[]; breakOnFailure?: boolean }) =>
  ok('slipway:build:start', { context: dir, dockerfile, buildArgs: {}, tags: [], noCache: false, ...extra });

describe('breakpoints', () => {
  it('pause before a step; a shell there sees the state it starts from; step and continue go on', async () => {
    const { buildId } = await start('Dockerfile', { breakpoints: ['stage-0:3'] });
    const started = await eventOf(buildId, 'build-started');
    expect(started.graph.steps.map((s) => s.id)).toEqual(['stage-0:1', 'stage-0:2', 'stage-0:3', 'stage-0:4']);

    const paused = await eventOf(buildId, 'step-paused');
    const before = await eventOf(buildId, 'step-done', (e) => e.stepId === 'stage-0:2');
    expect(paused).toMatchObject({ stepId: 'stage-0:3', reason: 'breakpoint', imageId: before.imageId, cached: false });
    // It waits: no container for the step, nothing done after it.
    await new Promise((r) => setTimeout(r, 500));
    expect(events.get(buildId)!.some((e) => e.type === 'step-container' && e.stepId === 'stage-0:3')).toBe(false);

    const { shellId } = await ok('slipway:debug:shell', { buildId, stepId: 'stage-0:3', target: 'paused', cols: 80, rows: 24 });
    await run(shellId, 'cat /doomed.txt; test -e /three.txt && echo THREE-$((1+1)) || echo NO-THREE-$((2+2))', /NO-THREE-4/);
    expect(output.get(shellId)).toContain('old-content');
    const debugContainers = (await leftoversOf(buildId)).containers.filter((n) => n.includes('debug'));
    expect(debugContainers).toHaveLength(1);

    // Step: the next step waits, with the stepped reason; the paused state's container goes.
    await ok('slipway:build:resume', { buildId, mode: 'step' });
    const stepped = await eventOf(buildId, 'step-paused', (e) => e.stepId === 'stage-0:4');
    expect(stepped.reason).toBe('step');
    await expect.poll(async () => (await leftoversOf(buildId)).containers.filter((n) => n.includes('debug')), { timeout: 10_000 }).toEqual([]);

    await ok('slipway:build:resume', { buildId, mode: 'continue' });
    const finished = await eventOf(buildId, 'build-finished');
    expect(finished.status).toBe('succeeded');
    // Resuming what no longer waits is an error, not a no-op.
    const again = await dispatch(core.handlers, 'slipway:build:resume', { buildId, mode: 'continue' });
    expect(again).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await ok('slipway:debug:close', { buildId });
    expect(await leftoversOf(buildId)).toEqual({ containers: [], images: [] });
  });

  it('a step that will come from the cache still pauses, and says so; cancel ends the pause', async () => {
    const { buildId } = await start('Dockerfile', { breakpoints: ['stage-0:2'] });
    const paused = await eventOf(buildId, 'step-paused');
    expect(paused).toMatchObject({ stepId: 'stage-0:2', reason: 'breakpoint', cached: true });
    await ok('slipway:debug:shell', { buildId, stepId: 'stage-0:2', target: 'paused', cols: 80, rows: 24 });
    await ok('slipway:build:cancel', { buildId });
    expect(await eventOf(buildId, 'step-resumed')).toMatchObject({ stepId: 'stage-0:2', mode: 'cancelled' });
    expect((await eventOf(buildId, 'build-finished')).status).toBe('cancelled');
    await expect.poll(async () => leftoversOf(buildId), { timeout: 10_000 }).toEqual({ containers: [], images: [] });
  });

  it('breakpoints set while the build runs take effect', async () => {
    const { buildId } = await start('Dockerfile', { breakpoints: ['stage-0:2'] });
    await eventOf(buildId, 'step-paused');
    await ok('slipway:build:breakpoints', { buildId, breakpoints: ['stage-0:4'], breakOnFailure: false });
    expect(await eventOf(buildId, 'build-breakpoints')).toMatchObject({ stepIds: ['stage-0:4'], breakOnFailure: false });
    await ok('slipway:build:resume', { buildId, mode: 'continue' });
    const next = await eventOf(buildId, 'step-paused', (e) => e.stepId === 'stage-0:4');
    expect(next).toMatchObject({ reason: 'breakpoint', cached: true });
    await ok('slipway:build:resume', { buildId, mode: 'abort' });
    expect((await eventOf(buildId, 'build-finished')).status).toBe('cancelled');
  });
});

describe('a failed step, before and after', () => {
  it('waits at the failure; the diff and the shells before and after show what the step did; closing removes it all', async () => {
    const { buildId } = await start('fail.Dockerfile', { breakOnFailure: true });
    const paused = await eventOf(buildId, 'step-paused');
    expect(paused).toMatchObject({ stepId: 'stage-0:3', reason: 'failure' });
    expect(paused.containerId).toMatch(/^[0-9a-f]{64}$/);
    const parent = await eventOf(buildId, 'step-done', (e) => e.stepId === 'stage-0:2');
    expect(paused.imageId).toBe(parent.imageId);

    const diff = await ok('slipway:debug:diff', { buildId, stepId: 'stage-0:3' });
    expect(diff.containerId).toBe(paused.containerId);
    expect(diff.changes).toContainEqual({ path: '/made-by-step', kind: 'added' });
    expect(diff.changes).toContainEqual({ path: '/doomed.txt', kind: 'deleted' });

    const before = (await ok('slipway:debug:shell', { buildId, stepId: 'stage-0:3', target: 'before', cols: 100, rows: 30 })).shellId;
    const after = (await ok('slipway:debug:shell', { buildId, stepId: 'stage-0:3', target: 'after', cols: 100, rows: 30 })).shellId;
    await run(before, 'cat /doomed.txt; test -e /made-by-step && echo MADE-$((1+1)) || echo NOT-MADE-$((2+2))', /NOT-MADE-4/);
    expect(output.get(before)).toContain('old-content');
    await run(after, 'cat /made-by-step; test -e /doomed.txt && echo DOOMED-$((1+1)) || echo GONE-$((2+2))', /GONE-4/);
    expect(output.get(after)).toContain('hi-from-step');
    const made = await leftoversOf(buildId);
    expect(made.images).toHaveLength(1);
    // The failed container, and one debug container for each side.
    expect(made.containers).toHaveLength(3);

    // Continue: the build fails as it would have; the kept container and the shells stay.
    await ok('slipway:build:resume', { buildId, mode: 'continue' });
    const finished = await eventOf(buildId, 'build-finished');
    expect(finished).toMatchObject({ status: 'failed', error: { exitCode: 3 } });
    expect((await leftoversOf(buildId)).containers).toHaveLength(3);
    await run(after, 'echo still-$((3+4))', /still-7/);
    expect((await ok('slipway:debug:diff', { buildId, stepId: 'stage-0:3' })).changes).toEqual(diff.changes);

    // Leaving the step's view: its debug containers and image go, the failed container stays.
    const exited = new Promise<void>((resolve) => core.subscribe((channel, payload) => {
      if (channel === 'slipway:shell:exit' && (payload as { shellId: string }).shellId === after) resolve();
    }));
    await ok('slipway:debug:close', { buildId, stepId: 'stage-0:3' });
    await exited;
    const left = await leftoversOf(buildId);
    expect(left.images).toEqual([]);
    expect(left.containers).toHaveLength(1);
    expect(left.containers[0]).not.toContain('debug');
    // Leaving the build: the kept container goes too.
    await ok('slipway:debug:close', { buildId });
    expect(await leftoversOf(buildId)).toEqual({ containers: [], images: [] });
    const gone = await dispatch(core.handlers, 'slipway:debug:shell', { buildId, stepId: 'stage-0:3', target: 'after', cols: 80, rows: 24 });
    expect(gone).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('without break on failure, nothing is kept: the before shell still opens, the after state is gone', async () => {
    const { buildId } = await start('fail.Dockerfile', {});
    expect((await eventOf(buildId, 'build-finished')).status).toBe('failed');
    await expect.poll(async () => (await leftoversOf(buildId)).containers, { timeout: 10_000 }).toEqual([]);
    const { shellId } = await ok('slipway:debug:shell', { buildId, stepId: 'stage-0:3', target: 'before', cols: 80, rows: 24 });
    await run(shellId, 'cat /doomed.txt && echo READ-$((2+3))', /READ-5/);
    const after = await dispatch(core.handlers, 'slipway:debug:shell', { buildId, stepId: 'stage-0:3', target: 'after', cols: 80, rows: 24 });
    expect(after).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await ok('slipway:debug:close', { buildId });
    expect(await leftoversOf(buildId)).toEqual({ containers: [], images: [] });
  });
});

describe('the start-up sweep', () => {
  it('removes debug images of dead processes and spares live ones', async () => {
    const source = await docker.createContainer({ Image: BASE_IMAGE, Cmd: ['true'] });
    const commit = (owner: string) =>
      new Promise<string>((resolve, reject) =>
        docker.modem.dial(
          {
            path: '/commit?',
            method: 'POST',
            options: { _query: { container: source.id }, _body: { Labels: { [DEBUG_LABEL]: 'after', [OWNER_LABEL]: owner, [BUILD_LABEL]: 'sweeptest' } } },
            statusCodes: { 201: true, 200: true },
          },
          (err: unknown, data: unknown) => (err ? reject(err) : resolve((data as { Id: string }).Id)),
        ),
      );
    const dead = await commit(`${hostname()}/4194305`);
    const live = await commit(processOwner());
    try {
      const removed = await sweepLeftovers(docker);
      expect(removed).toContain(dead);
      expect(removed).not.toContain(live);
      await expect(docker.getImage(dead).inspect()).rejects.toMatchObject({ statusCode: 404 });
      expect((await docker.getImage(live).inspect()).Id).toBe(live);
    } finally {
      await source.remove({ force: true });
      for (const id of [dead, live]) await docker.getImage(id).remove({ force: true }).catch(() => {});
    }
  });
});
