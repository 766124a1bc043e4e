/**
 * No engine: the app says so (ENGINE_UNAVAILABLE from engineInfo) and what to do, and still
 * opens a context and outlines its Dockerfile; Build waits for an engine.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startApp, type App } from './harness';

describe('Slipway without a Docker engine', () => {
  let app: App;
  let context: string;

  beforeAll(async () => {
    context = await mkdtemp(join(tmpdir(), 'slipway-e2e-noengine-'));
    await writeFile(join(context, 'Dockerfile'), 'FROM local/busybox:latest AS base\nRUN echo hi\n\nFROM base\nCOPY --from=base /etc/hostname /x\n');
    app = await startApp({ docker: new Docker({ socketPath: join(context, 'no-such-docker.sock') }) });
  });

  afterAll(async () => {
    await app?.close();
    await rm(context, { recursive: true, force: true });
  });

  it('says the engine is not running, and what to do', async () => {
    const { page } = app;
    const banner = page.getByTestId('engine-banner');
    await banner.waitFor();
    expect(await banner.getAttribute('data-code')).toBe('ENGINE_UNAVAILABLE');
    expect(await banner.textContent()).toContain('The Docker engine is not running');
    expect(await banner.textContent()).toContain('no-such-docker.sock');
    expect(await banner.textContent()).toMatch(/systemctl start docker/);
    expect(await page.getByTestId('engine-unavailable-pill').isVisible()).toBe(true);
  });

  it('still shows a context and its graph; Build waits for an engine', async () => {
    const { page } = app;
    await page.getByTestId('context-path').fill(context);
    await page.getByTestId('context-path').press('Enter');
    await expect.poll(() => page.locator('[data-testid="step-node"]').count()).toBe(4);
    expect(await page.getByTestId('build-button').isDisabled()).toBe(true);
    expect(await page.getByTestId('sidebar').textContent()).toContain('The Docker engine is not available.');
    await screenshot(page, '08-engine-unavailable');
    expect(app.pageErrors).toEqual([]);
  });
});
