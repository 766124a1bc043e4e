/**
 * Interactive inspection end to end, in Chromium against the real engine: a breakpoint set on a
 * graph node pauses the build before its step, "Open shell here" opens a shell in the state the
 * step starts from and runs commands there, Step pauses at the next step, Continue finishes; a
 * breakpoint on a step that will come from the cache pauses and says so, Abort cancels. A RUN
 * that fails with "Break on failure" waits: shells before and after it see the files as they were
 * and as the step left them, the diff lists what it added and deleted; closing the view and
 * leaving the build leave no container, exec or debug image behind.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OWNER_LABEL, processOwner } from '../../electron/docker/containers';
import { DEBUG_LABEL } from '../../electron/docker/debug-containers';
import { connectEngine } from '../../electron/docker/engine';
import { BASE_IMAGE, buildStatus, leftoverContainers, screenshot, startApp, step, waitNoContainers, type App } from './harness';

const DOCKERFILE = `FROM ${BASE_IMAGE}
RUN echo old-content > /doomed.txt
RUN echo three > /three.txt
RUN echo four > /four.txt
`;

const FAIL_DOCKERFILE = `FROM ${BASE_IMAGE}
RUN echo old-content > /doomed.txt
RUN echo hi-from-step > /made-by-step && rm /doomed.txt && exit 3
`;

const docker = connectEngine();

/** Debug images this test process made that are still there. */
async function leftoverDebugImages(): Promise<string[]> {
  const images = await docker.listImages({ all: true, filters: { label: [DEBUG_LABEL, `${OWNER_LABEL}=${processOwner()}`] } });
  return images.map((i) => i.Id);
}

/** Types a command into the shell inside `side` and waits for `expected` on its screen. */
async function runInShell(page: Page, side: Locator, command: string, expected: string): Promise<void> {
  const rows = side.locator('.xterm-rows');
  await expect.poll(() => rows.textContent(), { timeout: 20_000 }).toMatch(/[#$]/);
  await side.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
  await expect.poll(() => rows.textContent(), { timeout: 20_000 }).toContain(expected);
}

describe('breakpoints and failed-step inspection', () => {
  let app: App;
  let context: string;

  beforeAll(async () => {
    context = await mkdtemp(join(tmpdir(), 'slipway-e2e-debug-'));
    await writeFile(join(context, 'Dockerfile'), DOCKERFILE);
    await writeFile(join(context, 'fail.Dockerfile'), FAIL_DOCKERFILE);
    app = await startApp();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshot(app.page, `debug-failed-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
  });

  afterAll(async () => {
    await app?.close();
    if (context) await rm(context, { recursive: true, force: true });
  });

  it('a breakpoint pauses before its step; a shell there sees the state the step starts from', async () => {
    const { page } = app;
    await page.getByTestId('engine-version').waitFor();
    await page.getByTestId('context-path').fill(context);
    await page.getByTestId('context-open').click();
    await expect.poll(() => page.locator('[data-testid="step-node"]').count()).toBe(4);

    // FROM has no breakpoint; a RUN node's dot sets one, and the Dockerfile's gutter shows it.
    expect(await step(page, 'stage-0:1').getByTestId('breakpoint-toggle').count()).toBe(0);
    const toggle = step(page, 'stage-0:3').getByTestId('breakpoint-toggle');
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('data-on')).toBe('true');
    expect(await page.getByTestId('step-panel').count()).toBe(0);
    await step(page, 'stage-0:3').click();
    await page.getByTestId('tab-dockerfile').click();
    const gutter = page.locator('.code-line[data-line="3"] [data-testid="breakpoint-toggle"]');
    expect(await gutter.getAttribute('data-on')).toBe('true');
    expect(await page.locator('.code-line[data-line="4"] [data-testid="breakpoint-toggle"]').getAttribute('data-on')).toBe('false');
    expect(await page.getByTestId('breakpoint-count').textContent()).toContain('1 breakpoint');
    await screenshot(page, 'debug-01-breakpoint-set');
    await page.keyboard.press('Escape');

    await page.getByTestId('build-button').click();
    const banner = page.getByTestId('paused-banner');
    await banner.waitFor({ timeout: 60_000 });
    const paused = banner.getByTestId('paused-step');
    expect(await paused.getAttribute('data-step-id')).toBe('stage-0:3');
    expect(await paused.getAttribute('data-reason')).toBe('breakpoint');
    expect(await paused.getAttribute('data-cached')).toBe('false');
    expect(await step(page, 'stage-0:3').getAttribute('data-paused')).toBe('breakpoint');
    expect(await step(page, 'stage-0:2').getAttribute('data-status')).toBe('done');
    expect(await step(page, 'stage-0:4').getAttribute('data-status')).toBe('queued');
    expect(await page.getByTestId('build-header').getAttribute('data-status')).toBe('running');

    // "Open shell here": the step's Debug tab, with a shell in the image it starts from.
    await banner.getByTestId('paused-open-shell').click();
    const side = page.getByTestId('debug-paused');
    await side.waitFor();
    await runInShell(page, side, 'cat /doomed.txt; test -e /three.txt && echo HAS-THREE || echo NO-THREE-$((2+2))', 'NO-THREE-4');
    expect(await side.locator('.xterm-rows').textContent()).toContain('old-content');
    await screenshot(page, 'debug-02-paused-shell');

    // Step: this step runs, the build waits before the next one.
    await banner.getByTestId('resume-step').click();
    await expect.poll(() => banner.getByTestId('paused-step').getAttribute('data-step-id'), { timeout: 30_000 }).toBe('stage-0:4');
    expect(await banner.getByTestId('paused-step').getAttribute('data-reason')).toBe('step');
    expect(await step(page, 'stage-0:3').getAttribute('data-status')).toBe('done');
    // The shell of the earlier pause ended with it (its container is gone).
    await expect.poll(() => page.getByTestId('debug-paused').count(), { timeout: 10_000 }).toBe(0);
    await screenshot(page, 'debug-03-stepped');

    await banner.getByTestId('resume-continue').click();
    await buildStatus(page, 'succeeded');
    expect(await page.getByTestId('paused-banner').count()).toBe(0);
    expect(await waitNoContainers()).toEqual([]);
  });

  it('a breakpoint on a step that will come from the cache pauses and says so; Abort cancels', async () => {
    const { page } = app;
    await page.getByTestId('outline-item').click();
    // The breakpoint is still set for the next build.
    expect(await step(page, 'stage-0:3').getByTestId('breakpoint-toggle').getAttribute('data-on')).toBe('true');
    await page.getByTestId('build-button').click();
    const banner = page.getByTestId('paused-banner');
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.getByTestId('paused-step').getAttribute('data-cached')).toBe('true');
    expect(await banner.textContent()).toContain('will come from the cache');
    expect(await step(page, 'stage-0:3').locator('.step-state-text').textContent()).toBe('paused · breakpoint · from cache');
    await screenshot(page, 'debug-04-paused-cached');
    await banner.getByTestId('resume-abort').click();
    await buildStatus(page, 'cancelled', 30_000);
    expect(await step(page, 'stage-0:3').getAttribute('data-status')).toBe('cancelled');
    expect(await waitNoContainers()).toEqual([]);

    // Clear the breakpoint for what follows.
    await page.getByTestId('outline-item').click();
    await page.getByTestId('breakpoints-clear').click();
    expect(await step(page, 'stage-0:3').getByTestId('breakpoint-toggle').getAttribute('data-on')).toBe('false');
  });

  it('break on failure: shells before and after the failed RUN, and the files it changed', async () => {
    const { page } = app;
    await page.getByTestId('dockerfile-select').selectOption('fail.Dockerfile');
    await expect.poll(() => page.locator('[data-testid="step-node"]').count()).toBe(3);
    await page.getByTestId('break-on-failure').check();
    await page.getByTestId('build-button').click();

    const banner = page.getByTestId('paused-banner');
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.getByTestId('paused-step').getAttribute('data-reason')).toBe('failure');
    expect(await step(page, 'stage-0:3').getAttribute('data-paused')).toBe('failure');
    expect(await banner.getByTestId('resume-step').isDisabled()).toBe(true);
    await banner.getByTestId('paused-open-shell').click();
    await page.getByTestId('debug-view').waitFor();

    // The diff: what the step added and deleted before it failed.
    const diff = page.getByTestId('debug-diff');
    await diff.waitFor();
    await diff.locator('[data-testid="diff-row"][data-path="/made-by-step"][data-kind="added"]').waitFor();
    await diff.locator('[data-testid="diff-row"][data-path="/doomed.txt"][data-kind="deleted"]').waitFor();

    const before = page.getByTestId('debug-before');
    const after = page.getByTestId('debug-after');
    await before.getByTestId('shell-open').click();
    await runInShell(page, before, 'cat /doomed.txt; test -e /made-by-step && echo MADE || echo NOT-MADE-$((2+2))', 'NOT-MADE-4');
    expect(await before.locator('.xterm-rows').textContent()).toContain('old-content');
    await after.getByTestId('shell-open').click();
    await runInShell(page, after, 'cat /made-by-step; test -e /doomed.txt && echo DOOMED || echo GONE-$((2+2))', 'GONE-4');
    expect(await after.locator('.xterm-rows').textContent()).toContain('hi-from-step');
    expect(await leftoverDebugImages()).toHaveLength(1);
    await screenshot(page, 'debug-05-before-after');

    // Continue: the build fails as it would have; the shells are still there to use.
    await banner.getByTestId('resume-continue').click();
    await buildStatus(page, 'failed', 30_000);
    expect(await step(page, 'stage-0:3').locator('.step-state-text').textContent()).toBe('failed · exit 3');
    await runInShell(page, after, 'echo still-$((3+4))', 'still-7');
    await screenshot(page, 'debug-06-after-build-failed');

    // Closing the view removes its debug containers and image; the kept container stays…
    await page.getByTestId('debug-close').click();
    await expect.poll(() => leftoverDebugImages(), { timeout: 10_000 }).toEqual([]);
    await expect.poll(async () => (await leftoverContainers()).length, { timeout: 10_000 }).toBe(1);
    // …until the user leaves the build.
    await page.getByTestId('outline-item').click();
    expect(await waitNoContainers()).toEqual([]);
    expect(await leftoverDebugImages()).toEqual([]);
    await page.getByTestId('break-on-failure').uncheck();
  });

  it('leaves no containers, execs or debug images behind and logs no page errors', async () => {
    // Debug shells are execs in debug containers: with the containers gone, so are they.
    expect(await waitNoContainers()).toEqual([]);
    expect(await leftoverDebugImages()).toEqual([]);
    expect(app.pageErrors).toEqual([]);
  });
});
