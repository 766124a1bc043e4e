/**
 * Build secrets from the app, in Chromium against the real engine: a file named in the Secrets
 * field reaches `RUN --mount=type=secret`; a malformed entry blocks the build and says why.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../../electron/docker/engine';
import { BASE_IMAGE, buildStatus, screenshot, startApp, step, waitNoContainers, type App } from './harness';

const docker = connectEngine();

describe('build secrets in the app', () => {
  let app: App;
  let context: string;
  const value = `s3cret-${randomBytes(8).toString('hex')}`;

  beforeAll(async () => {
    app = await startApp();
    context = await mkdtemp(join(tmpdir(), 'slipway-e2e-secrets-'));
    await writeFile(join(context, 'token.txt'), value);
    await writeFile(join(context, '.dockerignore'), 'token.txt\n');
    await writeFile(join(context, 'Dockerfile'), `FROM ${BASE_IMAGE}\nRUN --mount=type=secret,id=tok,required=true sha256sum /run/secrets/tok\n`);
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshot(app.page, 'failed-secrets');
  });

  afterAll(async () => {
    // The images the build made: every step's, from its events.
    const made = new Set<string>();
    for (const { buildId } of app?.core.builds.list() ?? []) {
      for (const e of (await app.core.builds.events(buildId, 0)).events) if (e.type === 'step-done' && !e.cached && e.imageId) made.add(e.imageId);
    }
    await app?.close();
    for (const id of [...made].reverse()) await docker.getImage(id).remove({ force: true }).catch(() => {});
    if (context) await rm(context, { recursive: true, force: true });
    expect(await waitNoContainers()).toEqual([]);
  });

  it('blocks the build on a malformed entry, then builds with the file the entry names', async () => {
    const { page } = app;
    await page.getByTestId('context-path').fill(context);
    await page.getByTestId('context-open').click();
    await step(page, 'stage-0:2').waitFor();

    await page.getByTestId('secrets').fill('id=tok');
    expect(await page.getByTestId('secrets-error').textContent()).toBe('"id=tok": give either src=FILE or env=VAR');
    expect(await page.getByTestId('build-button').isDisabled()).toBe(true);

    await page.getByTestId('secrets').fill(`id=tok,src=${join(context, 'token.txt')}`);
    expect(await page.getByTestId('secrets-error').count()).toBe(0);
    await page.getByTestId('build-button').click();
    await buildStatus(page, 'succeeded');
    await step(page, 'stage-0:2').click();
    const digest = createHash('sha256').update(value).digest('hex');
    await page.getByTestId('log-view').getByText(`${digest}  /run/secrets/tok`).waitFor();
    expect(await page.getByTestId('log-view').textContent()).not.toContain(value);
    await screenshot(page, 'secrets-01-built');
    expect(app.pageErrors).toEqual([]);
  });
});
