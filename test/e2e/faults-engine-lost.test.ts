/**
 * The engine stops while the app builds (an engine of the test's own, so nothing else is
 * disturbed): the app shows "Lost the connection to the Docker engine" on the build and on the
 * step, offers Retry, and the retry builds once the engine is back; nothing is left behind.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaks, startSecondEngine, type SecondEngine } from '../integration/helpers/second-engine';
import { buildStatus, screenshot, startApp, step, stepStatus, type App } from './harness';

describe('the engine stops mid-build', () => {
  let engine: SecondEngine;
  let app: App;
  let context: string;

  beforeAll(async () => {
    engine = await startSecondEngine();
    context = await mkdtemp(join(tmpdir(), 'slipway-e2e-engine-lost-'));
    await writeFile(join(context, 'Dockerfile'), 'FROM local/busybox:latest\nCOPY delay /delay\nRUN echo started; sleep $(cat /delay); echo done\n');
    await writeFile(join(context, 'delay'), '60');
    app = await startApp({ docker: engine.docker });
  });

  afterAll(async () => {
    await app?.close();
    await engine?.destroy();
    await rm(context, { recursive: true, force: true });
  });

  it('the app says the connection was lost, offers Retry, and the retry builds once the engine is back', async () => {
    const { page } = app;
    await page.getByTestId('context-path').fill(context);
    await page.getByTestId('context-path').press('Enter');
    await expect.poll(() => step(page, 'stage-0:3').count()).toBe(1);
    await page.getByTestId('build-button').click();
    await stepStatus(page, 'stage-0:3', 'running');
    const failedBuild = await page.getByTestId('build-header').getAttribute('data-build-id');

    await engine.stop();
    await buildStatus(page, 'failed', 60_000);
    const lost = /Lost the connection to the Docker engine at unix:\/\/\/tmp\/slipway-dd-\w+\/docker\.sock/;
    expect(await page.getByTestId('build-error').textContent()).toMatch(lost);
    await step(page, 'stage-0:3').click();
    expect(await page.getByTestId('step-error').textContent()).toMatch(lost);
    const retry = page.getByTestId('retry-step');
    expect(await retry.isVisible()).toBe(true);
    await screenshot(page, 'faults-engine-lost');

    await engine.start();
    await writeFile(join(context, 'delay'), '0');
    await retry.click();
    await expect.poll(() => page.getByTestId('build-header').getAttribute('data-build-id')).not.toBe(failedBuild);
    await buildStatus(page, 'succeeded', 60_000);
    await stepStatus(page, 'stage-0:3', 'done');
    await screenshot(page, 'faults-engine-lost-retried');

    // The failed build's container, still on the engine when it came back, went with the retry.
    await expect.poll(() => leaks(engine.docker, app.home), { timeout: 20_000 }).toEqual([]);
    expect(app.pageErrors).toEqual([]);
  });
});
