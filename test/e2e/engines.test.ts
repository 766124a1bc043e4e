/**
 * The engine picker, in Chromium: the Build section lists the docker contexts (here one made by
 * the test for a second dockerd over TLS, in a docker config folder of its own), the top bar
 * shows the chosen engine, and a build runs on it — its image is on that engine, not the main
 * one, and the step panel reads the image's config from it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../../electron/docker/engine';
import { startTlsEngine, type TlsEngine } from '../integration/helpers/tls-engine';
import { BASE_IMAGE, buildStatus, screenshot, startApp, step, waitNoContainers, type App } from './harness';

const run = promisify(execFile);
const docker = connectEngine();
const TAG = 'slipway-e2e/remote-engine:1';

describe('building on a docker context chosen in the app', () => {
  let engine: TlsEngine;
  let app: App;
  let dir: string;
  let restoreConfig: string | undefined;

  beforeAll(async () => {
    engine = await startTlsEngine();
    const saved = await docker.getImage(BASE_IMAGE).get();
    for await (const _ of (await engine.docker.loadImage(saved as NodeJS.ReadableStream)) as AsyncIterable<unknown>) {
      // the load's progress
    }
    dir = await mkdtemp(join(tmpdir(), 'slipway-e2e-engines-'));
    const certs = engine.certDir;
    await run('/usr/bin/docker', ['context', 'create', 'e2e-remote', '--description', 'second dockerd (TLS)', '--docker', `host=${engine.host},ca=${certs}/ca.pem,cert=${certs}/cert.pem,key=${certs}/key.pem`], {
      env: { PATH: process.env.PATH, DOCKER_CONFIG: join(dir, 'docker-config') },
    });
    // The core reads the docker CLI's contexts from DOCKER_CONFIG: this test's, never the user's.
    restoreConfig = process.env.DOCKER_CONFIG;
    process.env.DOCKER_CONFIG = join(dir, 'docker-config');
    await writeFile(join(dir, 'Dockerfile'), `FROM ${BASE_IMAGE}\nRUN echo remote > /where\nLABEL dev.slipway.e2e=remote-engine\n`);
    app = await startApp();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshot(app.page, 'failed-engines');
  });

  afterAll(async () => {
    await app?.close();
    if (restoreConfig === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = restoreConfig;
    await engine?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    expect(await waitNoContainers()).toEqual([]);
  });

  it('lists the contexts, shows the chosen one in the top bar, and builds on it', async () => {
    const { page } = app;
    await page.getByTestId('engine-version').waitFor();
    expect(await page.getByTestId('engine-name').textContent()).toBe(' · default');
    await page.getByTestId('context-path').fill(dir);
    await page.getByTestId('context-open').click();
    await page.getByTestId('context-summary').waitFor();

    const select = page.getByTestId('engine-select');
    expect(await select.locator('option').allTextContents()).toEqual(['current (default)', 'default', 'e2e-remote']);
    await select.selectOption('e2e-remote');
    await expect.poll(() => page.getByTestId('engine-name').textContent()).toBe(' · e2e-remote');
    expect(await page.getByTestId('engine-host').textContent()).toBe(engine.host);
    await page.getByTestId('engine-version').waitFor();

    await page.getByTestId('tags').fill(TAG);
    await page.waitForTimeout(300);
    await page.getByTestId('build-button').click();
    await buildStatus(page, 'succeeded');
    expect((await engine.docker.getImage(TAG).inspect()).Config.Labels).toEqual({ 'dev.slipway.e2e': 'remote-engine' });
    await expect(docker.getImage(TAG).inspect()).rejects.toMatchObject({ statusCode: 404 });

    // The step panel reads the image from the engine the build ran on.
    await step(page, 'stage-0:3').click();
    await page.getByTestId('tab-details').click();
    await page.getByTestId('image-config').getByText('dev.slipway.e2e').waitFor();
    await screenshot(page, 'engines-01-remote-build');
    await page.keyboard.press('Escape');

    // Back to the current engine: the choice is remembered, and the pill follows.
    await select.selectOption('');
    await expect.poll(() => page.getByTestId('engine-name').textContent()).toBe(' · default');
    expect(app.pageErrors).toEqual([]);
  });
});
