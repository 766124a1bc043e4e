/**
 * History end to end, in Chromium against the real engine: two builds made in one app are
 * listed by a new app on the same home (a restart of the core), reopen with their graph, logs
 * and Dockerfile as built, compare step by step; a build's record exports as a file download
 * and imports into an app with a fresh home, where it opens with its logs and can be deleted.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../../electron/docker/engine';
import type { BuildEvent } from '../../shared/events';
import { IMPORT_PART_CHARS, type BuildRecord } from '../../shared/history';
import { BASE_IMAGE, buildStatus, screenshot, startApp, step, waitNoContainers, type App } from './harness';

const DOCKERFILE = (last: string) => `FROM ${BASE_IMAGE}
RUN echo "history-e2e-$((6*7))" && seq 1 30000 && echo "history-e2e-$((6*7))"
${last}
`;

const historyRow = (page: Page, buildId: string) => page.locator(`[data-testid="history-row"][data-build-id="${buildId}"]`);

describe('build history', () => {
  let parent = '';
  let context = '';
  let home = '';
  let app: App | undefined;
  let first = '';
  let second = '';
  let recordPath = '';
  const images = new Set<string>();

  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'slipway-e2e-history-'));
    context = join(parent, 'history-app');
    home = join(parent, 'home');
    await mkdir(context);
    await mkdir(home);
    await writeFile(join(context, 'Dockerfile'), DOCKERFILE('RUN echo two > /two'));
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && app) await screenshot(app.page, `failed-history-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`);
  });

  afterAll(async () => {
    await app?.close();
    const docker = connectEngine();
    for (const id of images) await docker.getImage(id).remove({ force: true }).catch(() => {});
    if (parent) await rm(parent, { recursive: true, force: true });
  });

  async function keepImages(current: App, buildId: string): Promise<BuildEvent[]> {
    const { events } = await current.core.builds.events(buildId, 0);
    for (const e of events) if (e.type === 'step-done' && !e.cached && e.imageId) images.add(e.imageId);
    return events;
  }

  async function buildOnce(page: Page, previous: string): Promise<string> {
    await page.getByTestId('build-button').click();
    const header = page.locator('[data-testid="build-header"]');
    await expect.poll(async () => header.getAttribute('data-build-id'), { timeout: 30_000 }).not.toBe(previous);
    const id = (await header.getAttribute('data-build-id'))!;
    await buildStatus(page, 'succeeded');
    return id;
  }

  it('builds twice in one app (the second time with an edited last step)', async () => {
    app = await startApp({ home });
    const { page } = app;
    await page.getByTestId('engine-version').waitFor();
    await page.getByTestId('context-path').fill(context);
    await page.getByTestId('context-open').click();
    await page.getByTestId('build-graph').waitFor();
    await expect.poll(() => step(page, 'stage-0:3').count()).toBe(1);

    first = await buildOnce(page, '');
    await writeFile(join(context, 'Dockerfile'), DOCKERFILE('RUN echo three > /three'));
    await page.getByTestId('outline-refresh').click();
    await page.waitForTimeout(500);
    second = await buildOnce(page, first);
    expect(second).not.toBe(first);
    await keepImages(app, first);
    await keepImages(app, second);
    expect(await waitNoContainers()).toEqual([]);
    await app.close();
    app = undefined;
  });

  it('a new app on the same home lists both builds: when, context, Dockerfile, target, result, duration, cache', async () => {
    app = await startApp({ home });
    const { page } = app;
    await page.getByTestId('engine-version').waitFor();
    // A restarted core has no live builds: the sidebar has none, the history has both.
    expect(await page.getByTestId('build-item').count()).toBe(0);
    await page.getByTestId('history-button').click();
    await page.getByTestId('history-table').waitFor();
    const rows = page.getByTestId('history-row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).getAttribute('data-build-id')).toBe(second);
    expect(await rows.nth(1).getAttribute('data-build-id')).toBe(first);
    const cells = await historyRow(page, first).locator('td').allTextContents();
    // [pick, when, context, Dockerfile, target, result, duration, cache, actions]
    expect(cells[2]).toBe('history-app');
    expect(cells[3]).toBe('Dockerfile');
    expect(cells[4]).toBe('last stage');
    expect(cells[5]).toBe('succeeded');
    expect(cells[6]).toMatch(/^\d+(\.\d)?s$/);
    expect(cells[7]).toBe('1/3');
    // The second build reused the first's RUN: 2 of 3 from the cache.
    expect(await historyRow(page, second).locator('td').nth(7).textContent()).toBe('2/3');
    await screenshot(page, 'history-01-list');
  });

  it('reopens the first build as it was: its graph, its RUN step’s logs, its Dockerfile as built', async () => {
    const { page } = app!;
    await historyRow(page, first).getByTestId('history-open').click();
    await page.locator(`[data-testid="build-header"][data-build-id="${first}"][data-status="succeeded"]`).waitFor();
    expect(await page.getByTestId('history-page').count()).toBe(0);
    expect(await step(page, 'stage-0:2').getAttribute('data-status')).toBe('done');
    expect(await step(page, 'stage-0:3').getAttribute('data-status')).toBe('done');
    await step(page, 'stage-0:2').click();
    const log = page.getByTestId('log-view');
    await log.getByText('history-e2e-42').first().waitFor();
    expect(await page.getByTestId('retry-step').count()).toBe(0);
    await page.getByTestId('tab-dockerfile').click();
    const view = page.getByTestId('dockerfile-view');
    await view.waitFor();
    // The file now says `three`; the build used `two`, and that is what is shown.
    expect(await view.textContent()).toContain('RUN echo two > /two');
    expect(await view.textContent()).not.toContain('three');
    await page.getByTestId('tab-logs').click();
    await log.getByText('history-e2e-42').first().waitFor();
    await screenshot(page, 'history-02-reopened');
  });

  it('compares the two builds step by step: the cached RUN and the edited one', async () => {
    const { page } = app!;
    await page.getByTestId('history-button').click();
    await historyRow(page, first).getByTestId('history-pick').check();
    await historyRow(page, second).getByTestId('history-pick').check();
    await page.getByTestId('history-compare').click();
    await page.getByTestId('compare-table').waitFor();
    const row = (id: string) => page.locator(`[data-testid="compare-row"][data-step-id="${id}"]`);
    await expect.poll(() => page.getByTestId('compare-row').count()).toBe(3);
    expect(await row('stage-0:1').getAttribute('data-change')).toBe('same');
    expect(await row('stage-0:2').getAttribute('data-change')).toBe('cache');
    expect(await row('stage-0:3').getAttribute('data-change')).toBe('instruction,image');
    expect(await row('stage-0:3').textContent()).toContain('RUN echo two > /two');
    expect(await row('stage-0:3').textContent()).toContain('RUN echo three > /three');
    expect(await row('stage-0:2').locator('td').nth(2).textContent()).toBe('miss → hit');
    expect(await page.getByTestId('compare-count').textContent()).toBe('2 steps changed');
    await screenshot(page, 'history-03-compare');
    await page.getByTestId('compare-close').click();
  });

  it('exports the first build’s record as a file download', async () => {
    const { page } = app!;
    await page.getByTestId('history-table').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), historyRow(page, first).getByTestId('history-export').click()]);
    expect(download.suggestedFilename()).toBe(`slipway-build-${first}.json`);
    recordPath = join(parent, download.suggestedFilename());
    await download.saveAs(recordPath);
    const text = await readFile(recordPath, 'utf8');
    // Large enough to travel in several parts on import.
    expect(text.length).toBeGreaterThan(IMPORT_PART_CHARS);
    const record = JSON.parse(text) as BuildRecord;
    expect(record).toMatchObject({ format: 'slipway-build-record', version: 1, summary: { buildId: first, status: 'succeeded' } });
    expect(record.dockerfile).toContain('RUN echo two > /two');
    expect(record.events.filter((e) => e.type === 'step-log').map((e) => (e.type === 'step-log' ? e.text : '')).join('')).toContain('history-e2e-42');
    await app!.close();
    app = undefined;
  });

  it('imports the record into an app with a fresh home: listed as imported, opens with its logs, deletes', async () => {
    app = await startApp();
    const { page } = app;
    await page.getByTestId('engine-version').waitFor();
    await page.getByTestId('history-button').click();
    await page.getByTestId('history-empty').waitFor();
    await page.getByTestId('history-import-file').setInputFiles(recordPath);
    await expect.poll(() => page.getByTestId('history-notice').textContent(), { timeout: 30_000 }).toMatch(/^Imported slipway-build-.*\.json as build [0-9a-f]{12}\./);
    const rows = page.getByTestId('history-row');
    await expect.poll(() => rows.count()).toBe(1);
    const imported = (await rows.first().getAttribute('data-build-id'))!;
    expect(imported).not.toBe(first);
    expect(await rows.first().textContent()).toContain('imported');
    expect(await rows.first().locator('td').nth(7).textContent()).toBe('1/3');
    await screenshot(page, 'history-04-imported');

    await rows.first().getByTestId('history-open').click();
    await page.locator(`[data-testid="build-header"][data-build-id="${imported}"][data-status="succeeded"]`).waitFor();
    expect(await page.getByTestId('build-imported').count()).toBe(1);
    await step(page, 'stage-0:2').click();
    await page.getByTestId('log-view').getByText('history-e2e-42').first().waitFor();
    await page.getByTestId('tab-dockerfile').click();
    expect(await page.getByTestId('dockerfile-view').textContent()).toContain('RUN echo two > /two');
    await page.getByTestId('tab-logs').click();
    await screenshot(page, 'history-05-imported-open');

    // A file that is not a record is refused, and says why.
    const junk = join(parent, 'junk.json');
    await writeFile(junk, JSON.stringify({ format: 'slipway-build-record', version: 1, events: 'nope' }));
    await page.getByTestId('history-button').click();
    await page.getByTestId('history-import-file').setInputFiles(junk);
    await expect.poll(() => page.getByTestId('history-notice').textContent()).toMatch(/Could not import junk\.json: The build record is malformed/);
    expect(await rows.count()).toBe(1);

    await rows.first().getByTestId('history-delete').click();
    await rows.first().getByTestId('history-delete-confirm').click();
    await page.getByTestId('history-empty').waitFor();
    // Gone from the workspace too.
    await page.getByTestId('history-close').click();
    expect(await page.locator(`[data-testid="build-header"][data-build-id="${imported}"]`).count()).toBe(0);
    expect(app.pageErrors).toEqual([]);
  });
});
