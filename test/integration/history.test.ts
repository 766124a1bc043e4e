/**
 * History against the real engine: builds made through a core are listed by a new core on the
 * same home (a restart) with their status, step counts and events; a past build retries; a
 * record exported from one home imports into another and reads the same; an imported build
 * is never retried.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/app-core';
import type { BuildSummary } from '../../shared/contract';
import type { BuildEvent } from '../../shared/events';
import { IMPORT_PART_CHARS } from '../../shared/history';
import { docker, leftovers } from './helpers/engine';
import { buildThroughCore, call, madeImages, ok } from './helpers/core-calls';

const cores: Core[] = [];
const dirs: string[] = [];
const images = new Set<string>();

afterAll(async () => {
  for (const core of cores) await core.shutdown();
  for (const id of images) await docker.getImage(id).remove({ force: true }).catch(() => {});
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

function startCore(home: string): Core {
  const core = createCore(docker, home);
  cores.push(core);
  return core;
}

/** A build through the core; its images are removed at the end. */
async function build(core: Core, context: string, dockerfile = 'Dockerfile'): Promise<BuildSummary> {
  const { summary, events } = await buildThroughCore(core, { context, dockerfile, buildArgs: {}, tags: [], noCache: false });
  for (const id of madeImages(events)) images.add(id);
  return summary;
}

const logOf = (events: BuildEvent[], stepId: string) =>
  events.flatMap((e) => (e.type === 'step-log' && e.stepId === stepId ? [e.text] : [])).join('');

describe('history across a restart', () => {
  const context = tempDir('slipway-history-ctx-');
  const dockerfile = `FROM local/busybox:latest\nRUN echo "history-run-$((6*7))"\nRUN echo second > /second\n`;
  writeFileSync(join(context, 'Dockerfile'), dockerfile);
  writeFileSync(join(context, 'fail.Dockerfile'), 'FROM local/busybox:latest\nRUN echo before-failing && exit 4\n');
  let home = '';
  let succeeded: BuildSummary;
  let failed: BuildSummary;

  it('a new core on the same home lists the builds before it, with status, times and step counts', async () => {
    home = tempDir('slipway-history-home-');
    const first = startCore(home);
    succeeded = await build(first, context);
    failed = await build(first, context, 'fail.Dockerfile');
    expect(succeeded.status).toBe('succeeded');
    expect(failed.status).toBe('failed');
    await first.shutdown();

    const second = startCore(home);
    // A restarted core has no live builds, but all of them on record.
    expect(await ok(second, 'slipway:build:list')).toEqual([]);
    const list = await ok(second, 'slipway:history:list');
    expect(list.map((s) => [s.buildId, s.status])).toEqual([
      [failed.buildId, 'failed'],
      [succeeded.buildId, 'succeeded'],
    ]);
    const past = list[1]!;
    expect(past.request).toEqual({ context, dockerfile: 'Dockerfile', buildArgs: {}, tags: [], noCache: false });
    expect(past.steps).toEqual({ total: 3, built: 2, cached: 1, failed: 0 });
    // The build's own duration (what its header shows), within the time from start to end.
    expect(past.durationMs).toBeGreaterThan(0);
    expect(past.durationMs).toBeLessThanOrEqual(past.finishedAt! - past.startedAt);
    expect(list[0]!.steps).toMatchObject({ total: 2, failed: 1 });
  });

  it('serves a past build’s events and its Dockerfile as built', async () => {
    const core = startCore(home);
    writeFileSync(join(context, 'Dockerfile'), `${dockerfile}RUN echo edited-after\n`);
    const opened = await ok(core, 'slipway:history:open', { buildId: succeeded.buildId });
    expect(opened.dockerfile).toBe(dockerfile);
    const events = (await ok(core, 'slipway:build:events', { buildId: succeeded.buildId, from: 0 })).events;
    expect(events[0]).toMatchObject({ type: 'build-started', buildId: succeeded.buildId });
    expect(events.at(-1)).toMatchObject({ type: 'build-finished', status: 'succeeded' });
    expect(logOf(events, 'stage-0:2')).toContain('history-run-42');
    // From the middle on, as a renderer catching up asks.
    const tail = (await ok(core, 'slipway:build:events', { buildId: succeeded.buildId, from: 3 })).events;
    expect(tail).toEqual(events.slice(3));
    const failedEvents = (await ok(core, 'slipway:build:events', { buildId: failed.buildId, from: 0 })).events;
    expect(failedEvents.find((e) => e.type === 'step-failed')).toMatchObject({ stepId: 'stage-0:2', error: { exitCode: 4 } });
    expect((await call(core, 'slipway:build:events', { buildId: 'nosuchbuild', from: 0 })).ok).toBe(false);
  });

  it('a past build retries from its request: the Dockerfile as it is now, earlier steps cached', async () => {
    const core = startCore(home);
    const summary = await ok(core, 'slipway:step:retry', { buildId: succeeded.buildId, stepId: 'stage-0:2' });
    expect(summary.retryOf).toBe(succeeded.buildId);
    const done = await new Promise<BuildSummary>((resolve) => {
      const timer = setInterval(async () => {
        const found = (await ok(core, 'slipway:history:list')).find((s) => s.buildId === summary.buildId);
        if (found && found.status !== 'running') {
          clearInterval(timer);
          resolve(found);
        }
      }, 200);
    });
    expect(done.status).toBe('succeeded');
    expect(done.steps).toEqual({ total: 4, built: 1, cached: 3, failed: 0 });
  });

  it('exports a record that imports into another home, reads the same, and is never retried', async () => {
    const core = startCore(home);
    const record = await ok(core, 'slipway:history:export', { buildId: succeeded.buildId });
    const text = JSON.stringify(record);

    const elsewhere = startCore(tempDir('slipway-history-other-'));
    const uploadId = 'itest1';
    const parts = Math.max(1, Math.ceil(text.length / IMPORT_PART_CHARS));
    let imported: BuildSummary | null = null;
    for (let part = 0; part < parts; part++) {
      imported = await ok(elsewhere, 'slipway:history:import', { uploadId, part, parts, text: text.slice(part * IMPORT_PART_CHARS, (part + 1) * IMPORT_PART_CHARS) });
    }
    expect(imported).toMatchObject({ status: 'succeeded', imported: { from: succeeded.buildId }, steps: { total: 3, built: 2, cached: 1, failed: 0 } });
    const id = imported!.buildId;
    expect(id).not.toBe(succeeded.buildId);
    const events = (await ok(elsewhere, 'slipway:build:events', { buildId: id, from: 0 })).events;
    expect(events.map((e) => ({ ...e, buildId: succeeded.buildId }))).toEqual(record.events);
    expect(logOf(events, 'stage-0:2')).toContain('history-run-42');
    expect((await ok(elsewhere, 'slipway:history:open', { buildId: id })).dockerfile).toBe(dockerfile);

    const retry = await call(elsewhere, 'slipway:step:retry', { buildId: id, stepId: 'stage-0:2' });
    expect(retry).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/imported build cannot be retried/) } });
    const bad = await call(elsewhere, 'slipway:history:import', { uploadId: 'x', part: 0, parts: 1, text: '{"format":"slipway-build-record","version":1}' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect((await call(elsewhere, 'slipway:history:import', { uploadId: 'x', part: 0, parts: 1, text: 'x'.repeat(IMPORT_PART_CHARS + 1) })).ok).toBe(false);

    await ok(elsewhere, 'slipway:history:delete', { buildId: id });
    expect(await ok(elsewhere, 'slipway:history:list')).toEqual([]);
    expect((await call(elsewhere, 'slipway:build:events', { buildId: id, from: 0 })).ok).toBe(false);
  });

  it('leaves no containers behind', async () => {
    expect(await leftovers()).toEqual([]);
  });
});

describe('a build cut short', () => {
  it('its Slipway gone mid-build, the next one shows it interrupted, its running step cancelled', async () => {
    const context = tempDir('slipway-history-cut-');
    writeFileSync(join(context, 'Dockerfile'), 'FROM local/busybox:latest\nRUN echo started-sleeping && sleep 300\n');
    const home = await mkdtemp(join(tmpdir(), 'slipway-history-home-'));
    dirs.push(home);
    const first = startCore(home);
    const { buildId } = await ok(first, 'slipway:build:start', { context, dockerfile: 'Dockerfile', buildArgs: {}, tags: [], noCache: false });
    await expect
      .poll(async () => logOf((await ok(first, 'slipway:build:events', { buildId, from: 0 })).events, 'stage-0:2'), { timeout: 30_000 })
      .toContain('started-sleeping');

    // What a dead process leaves: its summary says running, with an owner that is gone.
    const summaryPath = join(home, 'builds', `${buildId}.summary.json`);
    const snapshot = await readFile(summaryPath, 'utf8');
    await first.shutdown();
    await expect.poll(async () => (await ok(first, 'slipway:history:list'))[0]?.status, { timeout: 30_000 }).toBe('cancelled');
    const stored = JSON.parse(snapshot) as { owner: string };
    await writeFile(summaryPath, JSON.stringify({ ...JSON.parse(snapshot), owner: stored.owner.replace(/\/\d+$/, '/2147483646') }));
    // ...and a log without its end.
    const log = join(home, 'builds', `${buildId}.jsonl`);
    const lines = (await readFile(log, 'utf8')).trim().split('\n');
    const cut = lines.filter((line) => !/"type":"(step-cancelled|build-finished|step-failed)"/.test(line));
    await writeFile(log, `${cut.join('\n')}\n`);

    const next = startCore(home);
    const [summary] = await ok(next, 'slipway:history:list');
    expect(summary).toMatchObject({ buildId, status: 'cancelled', interrupted: true });
    const events = (await ok(next, 'slipway:build:events', { buildId, from: 0 })).events;
    expect(events.at(-1)).toMatchObject({ type: 'build-finished', status: 'cancelled' });
    expect(events.filter((e) => e.type === 'step-cancelled').map((e) => ('stepId' in e ? e.stepId : ''))).toEqual(['stage-0:2']);
    expect(events.some((e) => e.type === 'build-message' && /Interrupted/.test(e.text))).toBe(true);
    await expect.poll(leftovers, { timeout: 20_000 }).toEqual([]);
  });
});
