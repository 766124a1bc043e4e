/**
 * The cache mounts section, in Chromium against the real engine: a build with
 * `RUN --mount=type=cache` leaves a cache volume; the sidebar lists it (id, size, when this
 * Slipway last used it) and prunes it on request.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cacheVolumeName } from '../../electron/builder/run/cache-volumes';
import { BuildSession } from '../../electron/builder/session';
import { createBuildEngine } from '../../electron/core/build-engine';
import { connectEngine } from '../../electron/docker/engine';
import { BASE_IMAGE, screenshot, startApp, waitNoContainers, type App } from './harness';

const docker = connectEngine();
const ID = `e2e-cache-${randomBytes(4).toString('hex')}`;

describe('cache mounts in the sidebar', () => {
  let app: App;
  let context: string;
  let image: string | undefined;

  beforeAll(async () => {
    app = await startApp();
    context = await mkdtemp(join(tmpdir(), 'slipway-e2e-cache-mounts-'));
    await writeFile(join(context, 'Dockerfile'), `FROM ${BASE_IMAGE}\nRUN --mount=type=cache,id=${ID},target=/cache dd if=/dev/zero of=/cache/blob bs=1024 count=300\n`);
    // Built with the app's home, as the app would: it records when the cache was used.
    const session = new BuildSession(await createBuildEngine(docker, app.home), {
      context, dockerfile: join(context, 'Dockerfile'), tags: [], buildArgs: {}, labels: {}, noCache: false,
      remove: true, forceRemove: false, keepFailed: false, concurrency: 2,
    });
    const result = await session.run();
    expect(result.status).toBe('succeeded');
    image = result.imageId;
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshot(app.page, 'failed-cache-mounts');
  });

  afterAll(async () => {
    await app?.close();
    if (image) await docker.getImage(image).remove({ force: true }).catch(() => {});
    await docker.getVolume(cacheVolumeName(ID)).remove().catch(() => {});
    if (context) await rm(context, { recursive: true, force: true });
    expect(await waitNoContainers()).toEqual([]);
  });

  it('lists the cache with its size and last use, and prunes it', async () => {
    const { page } = app;
    await page.getByTestId('engine-version').waitFor();
    await page.getByTestId('cache-mounts-toggle').click();
    const row = page.locator(`[data-testid="cache-mount"][data-cache-id="${ID}"]`);
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain(ID);
    expect(text).toMatch(/30\d(\.\d)? kB|307 kB/);
    expect(text).toContain('used ');
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'cache-mounts-01-list');

    await row.getByTestId('cache-mount-prune').click();
    await row.waitFor({ state: 'detached' });
    expect(await page.getByTestId('cache-mounts-notice').textContent()).toMatch(/^Pruned 1 cache, 30\d/);
    await expect(docker.getVolume(cacheVolumeName(ID)).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await screenshot(page, 'cache-mounts-02-pruned');
    expect(app.pageErrors).toEqual([]);
  });
});
