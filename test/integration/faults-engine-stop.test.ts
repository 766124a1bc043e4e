/**
 * The engine goes away mid-build — stopped (SIGTERM: it stops the containers, then exits) or
 * crashed (SIGKILL: answers cut off mid-stream) — on an engine of the test's own, so nothing
 * else is disturbed. The build fails at once with one clear error, nothing waits forever, and
 * once the engine is back a retry succeeds and what the failed build could not remove then is
 * removed: nothing is left.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core/app-core';
import type { BuildEventBatch, BuildSummary } from '../../shared/contract';
import type { BuildEvent } from '../../shared/events';
import { leaks } from './helpers/second-engine';
import { useSecondEngine } from './helpers/second-engine-suite';

const suite = useSecondEngine('stop');
const { temp, newHome, homes } = suite;

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out (${timeoutMs} ms) waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const LOST = /^Lost the connection to the Docker engine at unix:\/\/\/tmp\/slipway-dd-\w+\/docker\.sock \(.+\)\. It stopped or restarted during the build: start it again, then retry the build\.$/;

describe('the engine goes away mid-build', () => {
  const cases = [
    { how: 'is stopped', away: () => suite.engine.stop(), within: 30_000 },
    { how: 'crashes', away: () => suite.engine.crash(), within: 15_000 },
  ];
  for (const { how, away, within } of cases) {
    it(`${how}: the build fails with "Lost the connection to the Docker engine", and a retry works once it is back`, async () => {
      const context = await temp('slipway-stop-ctx-');
      await writeFile(join(context, 'Dockerfile'), 'FROM local/busybox:latest\nCOPY delay /delay\nRUN echo started; sleep $(cat /delay); echo done\n');
      await writeFile(join(context, 'delay'), '60');
      const home = await newHome();
      const core = createCore(suite.engine.docker, home);
      const events = new Map<string, BuildEvent[]>();
      const summaries = new Map<string, BuildSummary>();
      core.subscribe((channel, payload) => {
        if (channel === 'slipway:build:events') {
          const batch = payload as BuildEventBatch;
          events.set(batch.buildId, [...(events.get(batch.buildId) ?? []), ...batch.events]);
        }
        if (channel === 'slipway:build:summary') summaries.set((payload as BuildSummary).buildId, payload as BuildSummary);
      });
      const finished = (buildId: string, timeoutMs: number) =>
        until(`build ${buildId} to finish`, () => {
          const status = summaries.get(buildId)?.status;
          return status && status !== 'running' ? status : undefined;
        }, timeoutMs);
      try {
        const { buildId } = await core.builds.start({ context, dockerfile: 'Dockerfile', tags: [], buildArgs: {}, noCache: false });
        await until('the step to print', () => (events.get(buildId) ?? []).some((e) => e.type === 'step-log' && e.text.includes('started')) || undefined, 60_000);

        const wentAway = Date.now();
        const failing = finished(buildId, within);
        await away();
        expect(await failing).toBe('failed');
        const end = events.get(buildId)!.find((e) => e.type === 'build-finished')!;
        const tookMs = end.time - wentAway;
        expect(tookMs).toBeLessThan(within);
        expect(end.type === 'build-finished' && end.error?.message).toMatch(LOST);
        const failedStep = events.get(buildId)!.find((e) => e.type === 'step-failed');
        expect(failedStep?.type === 'step-failed' && failedStep.error.message).toMatch(LOST);
        // Nothing hangs behind it: the build's log on disk is complete and readable.
        expect((await core.builds.events(buildId, 0)).events.at(-1)?.type).toBe('build-finished');
        console.log(`engine ${how}: the build failed ${tookMs} ms later`);

        await suite.engine.start();
        await writeFile(join(context, 'delay'), '0');
        const retry = await core.builds.retry(buildId);
        expect(await finished(retry.buildId, 60_000)).toBe('succeeded');
        expect((events.get(retry.buildId) ?? []).some((e) => e.type === 'step-log' && e.text.includes('done'))).toBe(true);
        // The failed build's container, which the engine still had when it came back, is gone too.
        const left = await until('no leftovers', async () => {
          const now = await leaks(suite.engine.docker, homes);
          return now.length === 0 ? now : undefined;
        }, 20_000).catch(async () => leaks(suite.engine.docker, homes));
        expect(left).toEqual([]);
      } finally {
        await core.shutdown();
        await suite.engine.start().catch(() => {});
      }
    });
  }
});
