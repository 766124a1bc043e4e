/**
 * Build checks end to end, in Chromium against the real engine: a Dockerfile with `FROM ... as`
 * and a shell-form CMD shows BuildKit's FromAsCasing and JSONArgsRecommended warnings, counted
 * in the outline header and placed under their lines in the Dockerfile view; a build of it
 * reports the same warnings as build messages.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../../electron/docker/engine';
import { BASE_IMAGE, buildStatus, screenshot, startApp, step, waitNoContainers, type App } from './harness';

const DOCKERFILE = `FROM ${BASE_IMAGE} as base
WORKDIR /app
CMD echo hi
`;

describe('build checks in the app', () => {
  let parent = '';
  let context = '';
  let app: App;
  const images = new Set<string>();

  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'slipway-e2e-checks-'));
    context = join(parent, 'checks-app');
    await mkdir(context);
    await writeFile(join(context, 'Dockerfile'), DOCKERFILE);
    app = await startApp();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshot(app.page, `failed-checks-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`);
  });

  afterAll(async () => {
    await app?.close();
    const docker = connectEngine();
    for (const id of images) await docker.getImage(id).remove({ force: true }).catch(() => {});
    if (parent) await rm(parent, { recursive: true, force: true });
  });

  it('counts the warnings in the outline header and shows each under its line', async () => {
    const { page } = app;
    await page.getByTestId('engine-version').waitFor();
    await page.getByTestId('context-path').fill(context);
    await page.getByTestId('context-open').click();
    await page.getByTestId('build-graph').waitFor();

    const count = page.getByTestId('outline-warnings');
    await expect.poll(() => count.textContent()).toBe('⚠ 2 check warnings');
    expect(await count.getAttribute('title')).toBe(
      "line 1: FromAsCasing: 'as' and 'FROM' keywords' casing do not match\n" +
        'line 3: JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals',
    );

    await step(page, 'base:3').click();
    const view = page.getByTestId('dockerfile-view');
    await view.waitFor();
    const notes = view.getByTestId('check-warning');
    await expect.poll(() => notes.count()).toBe(2);

    const fromAs = view.locator('[data-testid="check-warning"][data-rule="FromAsCasing"]');
    expect(await fromAs.getAttribute('data-warning-line')).toBe('1');
    expect(await fromAs.textContent()).toContain("⚠ line 1FromAsCasing 'as' and 'FROM' keywords' casing do not match");
    expect(await fromAs.textContent()).toContain('https://docs.docker.com/go/dockerfile/rule/from-as-casing/');
    const jsonArgs = view.locator('[data-testid="check-warning"][data-rule="JSONArgsRecommended"]');
    expect(await jsonArgs.getAttribute('data-warning-line')).toBe('3');
    expect(await jsonArgs.textContent()).toContain('JSON arguments recommended for CMD to prevent unintended behavior related to OS signals');

    // Each note sits right under its line, and only warned lines are marked.
    expect(await view.locator('[data-line="1"].code-line + [data-testid="check-warning"]').getAttribute('data-rule')).toBe('FromAsCasing');
    expect(await view.locator('[data-line="3"].code-line + [data-testid="check-warning"]').getAttribute('data-rule')).toBe('JSONArgsRecommended');
    expect(await view.locator('.code-line.has-warning').evaluateAll((els) => els.map((e) => e.getAttribute('data-line')))).toEqual(['1', '3']);

    // The rule's page is an address to copy, not a link to follow.
    expect(await view.locator('a').count()).toBe(0);
    await fromAs.getByTestId('copy-check-url').click();
    await expect.poll(() => fromAs.getByTestId('copy-check-url').textContent()).toBe('copied');
    await screenshot(page, 'checks-dockerfile-view');
  });

  it('a build reports the same warnings as messages and keeps them in the Dockerfile view', async () => {
    const { page } = app;
    await page.getByTestId('build-button').click();
    await buildStatus(page, 'succeeded');
    const buildId = (await page.getByTestId('build-header').getAttribute('data-build-id'))!;
    const { events } = await app.core.builds.events(buildId, 0);
    for (const e of events) if (e.type === 'step-done' && !e.cached && e.imageId) images.add(e.imageId);

    const checks = events.flatMap((e) => (e.type === 'build-message' && e.check ? [e.check] : []));
    expect(checks.map((c) => `${c.rule}@${c.range.start}`)).toEqual(['FromAsCasing@1', 'JSONArgsRecommended@3']);
    const count = page.getByTestId('build-warnings');
    expect(await count.textContent()).toBe('⚠ 2 check warnings');
    expect(await count.getAttribute('title')).toContain('line 3: JSONArgsRecommended: JSON arguments recommended for CMD');

    await step(page, 'base:3').click();
    await page.getByTestId('tab-dockerfile').click();
    await expect.poll(() => page.getByTestId('dockerfile-view').getByTestId('check-warning').count()).toBe(2);
    await screenshot(page, 'checks-after-build');
    expect(await waitNoContainers()).toEqual([]);
  });
});
