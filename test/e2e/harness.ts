/**
 * What every end-to-end test needs: the app in web mode (the real core and engine behind
 * `startWebServer`, the built renderer), a headless Chromium on its page, screenshots, and
 * the check that no step container outlives the tests.
 */
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type Docker from 'dockerode';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createCore, type Core } from '../../electron/core/app-core';
import { BUILD_LABEL, OWNER_LABEL, processOwner } from '../../electron/docker/containers';
import { connectEngine } from '../../electron/docker/engine';
import { startWebServer, type WebServer } from '../../electron/web/server';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
export const BASE_IMAGE = 'local/busybox:latest';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface App {
  core: Core;
  server: WebServer;
  home: string;
  browser: Browser;
  page: Page;
  /** Console errors and uncaught page errors: a test can assert there were none. */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * Starts Slipway's web mode on a fresh home (its own cache index and build records) and opens
 * its page. Playwright refuses `--user-data-dir` in `args`: `launch` gives every browser a
 * fresh temporary profile of its own (and deletes it on close), which is what we want.
 */
export async function startApp(
  options: { docker?: Docker; viewport?: { width: number; height: number }; /** An existing home (a restart): kept on close. */ home?: string } = {},
): Promise<App> {
  const home = options.home ?? (await mkdtemp(join(tmpdir(), 'slipway-e2e-home-')));
  const core = createCore(options.docker ?? connectEngine(), home);
  const server = await startWebServer(core, { rendererDir: join(ROOT, 'out/renderer') });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1440, height: 900 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
  });
  await page.goto(server.url);
  return {
    core,
    server,
    home,
    browser,
    page,
    pageErrors,
    async close() {
      await browser.close().catch(() => {});
      await core.shutdown().catch(() => {});
      await server.close().catch(() => {});
      if (!options.home) await rm(home, { recursive: true, force: true }).catch(() => {});
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let fit-to-view animations (the graph refits when the step panel opens) settle.
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** A step node in the graph. */
export const step = (page: Page, id: string) => page.locator(`[data-testid="step-node"][data-step-id="${id}"]`);

/** Waits for a step to reach a state (data-status on its node). */
export async function stepStatus(page: Page, id: string, status: string, timeout = 60_000): Promise<void> {
  await page.locator(`[data-testid="step-node"][data-step-id="${id}"][data-status="${status}"]`).waitFor({ timeout });
}

export async function buildStatus(page: Page, status: string, timeout = 120_000): Promise<void> {
  await page.locator(`[data-testid="build-header"][data-status="${status}"]`).waitFor({ timeout });
}

/** Step containers this test process made that are still present (any state), by Slipway's labels. */
export async function leftoverContainers(docker: Docker = connectEngine()): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [BUILD_LABEL, `${OWNER_LABEL}=${processOwner()}`] } });
  return list.map((c) => `${c.Names.join(',')} (${c.State})`);
}

/** Containers are removed right after their step; give the engine a moment. */
export async function waitNoContainers(timeoutMs = 20_000): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  let left = await leftoverContainers();
  while (left.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 250));
    left = await leftoverContainers();
  }
  return left;
}
