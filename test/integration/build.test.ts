import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { BuildSession } from '../../electron/builder/session';
import { createBuildEngine } from '../../electron/core/build-engine';
import type { BuildEvent } from '../../shared/events';
import { docker, leftovers, slipwayBuild } from './helpers/engine';

const made = new Set<string>();
function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-build-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const cacheHits = (events: BuildEvent[]) =>
  events.flatMap((e) => (e.type === 'step-cache' ? [`${e.stepId}:${e.decision.hit ? 'hit' : 'miss'}`] : []));

afterAll(async () => {
  for (const id of made) await docker.getImage(id).remove({ force: true }).catch(() => {});
});

describe('slipway builds', () => {
  it('builds an image whose RUN output streams as events', async () => {
    const ctx = context({ Dockerfile: 'FROM local/busybox:latest\nRUN echo built-by-slipway > /proof && echo to-stdout\nENV A=1\n' });
    const result = await slipwayBuild({ context: ctx });
    expect(result.status).toBe('succeeded');
    made.add(result.imageId!);
    const logs = result.events.flatMap((e) => (e.type === 'step-log' ? [e.text] : [])).join('');
    expect(logs).toContain('to-stdout');
    const image = await docker.getImage(result.imageId!).inspect();
    expect(image.Config.Env).toContain('A=1');
  });

  describe('cache', () => {
    const files = {
      Dockerfile: 'FROM local/busybox:latest\nARG V=1\nRUN echo first\nCOPY a.txt /a.txt\nRUN echo v=$V > /v\n',
      'a.txt': 'one',
      'other.txt': 'unrelated',
    };

    it('rebuilds with no change to the same image, every step from cache', async () => {
      const ctx = context(files);
      const home = await mkdtemp(join(tmpdir(), 'slipway-home-'));
      const first = await slipwayBuild({ context: ctx }, home);
      const second = await slipwayBuild({ context: ctx }, home);
      made.add(first.imageId!);
      expect(second.imageId).toBe(first.imageId);
      expect(cacheHits(second.events).every((h) => h.endsWith(':hit'))).toBe(true);
    });

    it('busts from a touched COPY source on, naming it as the reason', async () => {
      const ctx = context(files);
      const home = await mkdtemp(join(tmpdir(), 'slipway-home-'));
      const first = await slipwayBuild({ context: ctx }, home);
      writeFileSync(join(ctx, 'a.txt'), 'two');
      const second = await slipwayBuild({ context: ctx }, home);
      made.add(first.imageId!).add(second.imageId!);
      expect(cacheHits(second.events)).toEqual(['stage-0:2:hit', 'stage-0:3:hit', 'stage-0:4:miss', 'stage-0:5:miss']);
      const reason = second.events.find((e) => e.type === 'step-cache' && e.stepId === 'stage-0:4');
      expect(reason?.type === 'step-cache' && reason.decision.reason).toMatch(/source files changed/);
    });

    it('busts the RUN that uses a changed build arg, and nothing before it', async () => {
      const ctx = context(files);
      const home = await mkdtemp(join(tmpdir(), 'slipway-home-'));
      await slipwayBuild({ context: ctx }, home);
      const second = await slipwayBuild({ context: ctx, buildArgs: { V: '2' } }, home);
      made.add(second.imageId!);
      expect(cacheHits(second.events)).toEqual(['stage-0:2:hit', 'stage-0:3:miss', 'stage-0:4:miss', 'stage-0:5:miss']);
    });

    it('ignores changes to context files no step uses', async () => {
      const ctx = context(files);
      const home = await mkdtemp(join(tmpdir(), 'slipway-home-'));
      const first = await slipwayBuild({ context: ctx }, home);
      writeFileSync(join(ctx, 'other.txt'), 'changed');
      const second = await slipwayBuild({ context: ctx }, home);
      expect(second.imageId).toBe(first.imageId);
    });

    it('misses everything with --no-cache', async () => {
      const ctx = context(files);
      const home = await mkdtemp(join(tmpdir(), 'slipway-home-'));
      await slipwayBuild({ context: ctx }, home);
      const second = await slipwayBuild({ context: ctx, noCache: true }, home);
      made.add(second.imageId!);
      expect(cacheHits(second.events).every((h) => h.endsWith(':miss'))).toBe(true);
    });
  });

  describe('failure and cancellation', () => {
    it('fails a RUN with its exit code and line, and leaves no container', async () => {
      const ctx = context({ Dockerfile: 'FROM local/busybox:latest\n\nRUN echo before && exit 3\n' });
      const result = await slipwayBuild({ context: ctx });
      expect(result.status).toBe('failed');
      expect(result.error).toEqual({
        message: "The command '/bin/sh -c echo before && exit 3' returned a non-zero code: 3",
        exitCode: 3,
        location: { start: 3, end: 3 },
      });
      expect(await leftovers()).toEqual([]);
    });

    it('cancels a running step: its container is killed and removed', async () => {
      const ctx = context({ Dockerfile: 'FROM local/busybox:latest\nRUN sleep 300\n' });
      const engine = await createBuildEngine(docker, await mkdtemp(join(tmpdir(), 'slipway-home-')));
      const session = new BuildSession(engine, {
        context: ctx, dockerfile: join(ctx, 'Dockerfile'), tags: [], buildArgs: {}, labels: {}, noCache: true,
        remove: true, forceRemove: false, keepFailed: false, concurrency: 2,
      });
      const events: BuildEvent[] = [];
      session.onEvent((e) => {
        events.push(e);
        if (e.type === 'step-container') setTimeout(() => session.cancel(), 300);
      });
      const started = Date.now();
      const result = await session.run();
      expect(result.status).toBe('cancelled');
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(events.some((e) => e.type === 'step-cancelled' && e.stepId === 'stage-0:2')).toBe(true);
      expect(await leftovers()).toEqual([]);
    });
  });

  describe('killing a step', () => {
    it('cancels its stage and the stages that need it, while an independent stage completes', async () => {
      const ctx = context({
        Dockerfile: [
          'FROM local/busybox:latest AS slow',
          'RUN sleep 300',
          'FROM local/busybox:latest AS quick',
          'RUN sleep 2 && echo quick > /q',
          'FROM scratch AS final',
          'COPY --from=quick /q /q',
          'COPY --from=slow /etc/passwd /p',
        ].join('\n'),
      });
      const engine = await createBuildEngine(docker, await mkdtemp(join(tmpdir(), 'slipway-home-')));
      const session = new BuildSession(engine, {
        context: ctx, dockerfile: join(ctx, 'Dockerfile'), tags: [], buildArgs: {}, labels: {}, noCache: true,
        remove: true, forceRemove: false, keepFailed: false, concurrency: 4, target: 'final',
      });
      const events: BuildEvent[] = [];
      session.onEvent((e) => {
        events.push(e);
        if (e.type === 'step-container' && e.stepId === 'slow:2') setTimeout(() => session.killStep('slow:2'), 200);
      });
      const result = await session.run();
      const last = (stepId: string) => events.filter((e) => 'stepId' in e && e.stepId === stepId).at(-1)?.type;
      expect(result.status).toBe('cancelled');
      expect(last('slow:2')).toBe('step-cancelled');
      expect(last('final:3')).toBe('step-cancelled');
      expect(last('quick:2')).toBe('step-done');
      expect(await leftovers()).toEqual([]);
    });
  });

  describe('stages', () => {
    const multi = {
      Dockerfile: [
        'FROM local/busybox:latest AS a',
        'RUN sleep 3 && echo a > /a',
        'FROM local/busybox:latest AS b',
        'RUN sleep 3 && echo b > /b',
        'FROM local/busybox:latest AS unused',
        'RUN exit 9',
        'FROM scratch AS final',
        'COPY --from=a /a /a',
        'COPY --from=b /b /b',
      ].join('\n'),
    };

    it('runs independent stages in parallel and builds only what the target needs', async () => {
      const result = await slipwayBuild({ context: context(multi), noCache: true, target: 'final' });
      expect(result.status).toBe('succeeded');
      made.add(result.imageId!);
      const times = (stepId: string, type: string) => result.events.find((e) => e.type === type && 'stepId' in e && e.stepId === stepId)!.time;
      // b's RUN started before a's RUN finished: the two stages overlapped.
      expect(times('b:2', 'step-started')).toBeLessThan(times('a:2', 'step-done'));
      expect(result.events.some((e) => 'stepId' in e && e.stepId.startsWith('unused:'))).toBe(false);
    });
  });
});

describe('the slipway build command', () => {
  const cli = resolve(import.meta.dirname, '../../bin/slipway.mjs');
  const run = promisify(execFile);

  it('prints the image id with -q and tags it', async () => {
    const ctx = context({ Dockerfile: 'FROM local/busybox:latest\nLABEL via=cli\n' });
    const { stdout } = await run('node', [cli, 'build', '-q', '-t', 'slipway-test/cli:1', ctx], { env: { ...process.env, SLIPWAY_HOME: mkdtempSync(join(tmpdir(), 'h-')) } });
    const id = stdout.trim();
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    made.add(id);
    const tagged = await docker.getImage('slipway-test/cli:1').inspect();
    expect(tagged.Id).toBe(id);
    expect(tagged.Config.Labels).toEqual({ via: 'cli' });
  });

  it('exits with the failing command\'s code and prints the error with its line', async () => {
    const ctx = context({ Dockerfile: 'FROM local/busybox:latest\nRUN exit 7\n' });
    const err = await run('node', [cli, 'build', ctx], { env: { ...process.env, SLIPWAY_HOME: mkdtempSync(join(tmpdir(), 'h-')) } }).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 7 });
    expect((err as { stderr: string }).stderr).toContain("Dockerfile:2: The command '/bin/sh -c exit 7' returned a non-zero code: 7");
  });
});
