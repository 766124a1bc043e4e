/**
 * Layer inspection and the build profile in Chromium against the real engine: a Dockerfile
 * with two stages that run at once. A RUN's Layer tab lists the file it wrote, with its size;
 * the profile has a row and a timeline bar for every step, the two stages' lanes overlap in
 * time, and the file a later step deleted is wasted space. Every image the build made is
 * removed afterwards; no container is left.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../../electron/docker/engine';
import { BASE_IMAGE, buildStatus, screenshot, startApp, step, waitNoContainers, type App } from './harness';

// A token of this run in the first RUN: nothing comes from an earlier run's cache, so the
// test sees real steps and every image it made is its own to remove.
const DOCKERFILE = (token: string) => `FROM ${BASE_IMAGE} AS base
RUN echo ${token} > /token

FROM base AS left
RUN sleep 2 && printf hello > /left.txt

FROM base AS right
RUN sleep 2 && mkdir -p /srv/right && printf 'right side' > /srv/right/data.txt

FROM base AS final
COPY --from=left /left.txt /left.txt
COPY --from=right /srv/right/data.txt /right.txt
RUN head -c 40000 /dev/zero > /big.bin
RUN rm /big.bin
`;

describe('layer diffs and the profile', () => {
  let app: App;
  let context: string;
  let buildId = '';

  beforeAll(async () => {
    context = await mkdtemp(join(tmpdir(), 'slipway-e2e-layers-'));
    await writeFile(join(context, 'Dockerfile'), DOCKERFILE(randomBytes(8).toString('hex')));
    app = await startApp();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshot(app.page, `failed-layers-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`);
  });

  afterAll(async () => {
    // The images this build made, newest first (a child holds its parent).
    const made: string[] = [];
    if (buildId) {
      const { events } = await app.core.builds.events(buildId, 0);
      for (const e of events) if (e.type === 'step-done' && !e.cached && e.imageId && !made.includes(e.imageId)) made.push(e.imageId);
    }
    await app?.close();
    const docker = connectEngine();
    for (const id of made.reverse()) await docker.getImage(id).remove({ force: true }).catch(() => {});
    for (const id of made) await expect(docker.getImage(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    if (context) await rm(context, { recursive: true, force: true });
  });

  it('builds two stages at once', async () => {
    const { page } = app;
    await page.getByTestId('context-path').fill(context);
    await page.getByTestId('context-open').click();
    await page.getByTestId('build-graph').waitFor();
    await expect.poll(() => page.locator('[data-testid="step-node"]').count()).toBe(11);
    await page.getByTestId('build-button').click();
    const header = page.getByTestId('build-header');
    await header.waitFor();
    buildId = (await header.getAttribute('data-build-id'))!;
    await buildStatus(page, 'succeeded');
  });

  it('the Layer tab of a RUN lists the file it wrote, with its size', async () => {
    const { page } = app;
    await step(page, 'left:2').click();
    await page.getByTestId('tab-layer').click();
    const row = page.locator('[data-testid="layer-row"][data-path="/left.txt"]');
    await row.waitFor();
    expect(await row.getAttribute('data-kind')).toBe('added');
    expect(await row.getByTestId('layer-row-size').textContent()).toBe('5 B');
    expect(await page.getByTestId('layer-kind-added').textContent()).toBe('1 added');
    expect(await page.getByTestId('layer-size').textContent()).toMatch(/^\+\d+(\.\d)? (B|kB)$/);

    // A folder the step made, and the file in it, with its size; the filter narrows the tree.
    await step(page, 'right:2').click();
    await page.locator('[data-testid="layer-row"][data-path="/srv/right/data.txt"]').waitFor();
    expect(await page.locator('[data-testid="layer-row"][data-path="/srv/right/data.txt"]').getByTestId('layer-row-size').textContent()).toBe('10 B');
    await page.getByTestId('layer-filter').fill('data');
    await expect.poll(() => page.locator('[data-testid="layer-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path')))).toEqual([
      '/srv',
      '/srv/right',
      '/srv/right/data.txt',
    ]);
    await screenshot(page, '20-layer-diff');

    // A step that changes only the config says so.
    await step(page, 'final:1').click();
    expect(await page.getByTestId('layer-unavailable').textContent()).toMatch(/FROM step adds no layer/);
  });

  it('the profile has a row and a bar for every step; the two stages overlap in time', async () => {
    const { page } = app;
    await page.keyboard.press('Escape');
    await page.getByTestId('view-profile').click();
    await page.getByTestId('profile-view').waitFor();
    expect(await page.locator('[data-testid="profile-row"]').count()).toBe(11);
    expect(await page.locator('[data-testid="gantt-lane"]').count()).toBe(4);
    expect(await page.locator('[data-testid="gantt-bar"]').count()).toBe(11);
    const bar = async (id: string) => {
      const b = page.locator(`[data-testid="gantt-bar"][data-step-id="${id}"]`);
      return { start: Number(await b.getAttribute('data-start')), end: Number(await b.getAttribute('data-end')), lane: await b.getAttribute('data-lane') };
    };
    const left = await bar('left:2');
    const right = await bar('right:2');
    expect(left.lane).not.toBe(right.lane);
    expect(left.end - left.start).toBeGreaterThanOrEqual(2000);
    expect(left.start < right.end && right.start < left.end).toBe(true);
    // Drawn side by side: the bars' boxes overlap horizontally.
    const boxL = (await page.locator('[data-testid="gantt-bar"][data-step-id="left:2"]').boundingBox())!;
    const boxR = (await page.locator('[data-testid="gantt-bar"][data-step-id="right:2"]').boundingBox())!;
    expect(boxL.x < boxR.x + boxR.width && boxR.x < boxL.x + boxL.width).toBe(true);
    expect(boxL.y).not.toBe(boxR.y);

    const row = page.locator('[data-testid="profile-row"][data-step-id="left:2"]');
    expect(await row.textContent()).toMatch(/MISS/);
    expect(await row.getByTestId('profile-layer').textContent()).toMatch(/^\+\d/);

    // The 40 kB file final's last RUN deleted still ships in the layer before it.
    const total = page.getByTestId('waste-total');
    await expect.poll(() => total.getAttribute('data-bytes')).toBe('40000');
    expect(await page.locator('[data-testid="waste-file"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path')))).toEqual(['/big.bin']);
    await screenshot(page, '21-profile');

    // A row opens its step.
    await row.click();
    await page.locator('[data-testid="step-panel"][data-step-id="left:2"]').waitFor();
    await screenshot(page, '22-profile-step');
    await page.getByTestId('view-graph').click();
    await page.getByTestId('build-graph').waitFor();
    expect(await page.getByTestId('profile-view').count()).toBe(0);
  });

  it('leaves no container behind and logs no page error', async () => {
    expect(await waitNoContainers()).toEqual([]);
    expect(app.pageErrors).toEqual([]);
  });
});
