/**
 * Size: a 300-step Dockerfile (28 stages) is laid out once and stays responsive while every
 * step changes state; a step that prints a million lines keeps the last 50 000 (and says so),
 * scrolls and searches without the page stalling.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE, buildStatus, screenshot, startApp, step, stepStatus, waitNoContainers, type App } from './harness';

/** 27 stages of 10 steps in a binary tree, and a final stage copying from each: 300 steps. */
function bigDockerfile(): string {
  const lines: string[] = [];
  const stages = 27;
  for (let s = 0; s < stages; s++) {
    lines.push(`FROM ${s === 0 ? BASE_IMAGE : `s${Math.floor((s - 1) / 2)}`} AS s${s}`);
    for (let p = 0; p < 8; p++) lines.push(`ENV S${s}_V${p}=${s}-${p}`);
    lines.push(`RUN echo stage ${s} > /s${s}.txt`, '');
  }
  lines.push('FROM s0 AS final');
  for (let s = 1; s < stages; s++) lines.push(`COPY --from=s${s} /s${s}.txt /s${s}.txt`);
  lines.push('ENV ALL=done', 'WORKDIR /', 'CMD ["ls", "/"]', '');
  return lines.join('\n');
}

/** Long tasks (main thread busy > 50 ms) since the last call, in ms. */
const LONG_TASKS = `(() => {
  if (!window.__longTasks) {
    window.__longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration)); })
      .observe({ type: 'longtask' });
  }
  return window.__longTasks.splice(0);
})()`;

describe('Slipway at scale', () => {
  let app: App;
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'slipway-e2e-scale-'));
    await mkdir(join(root, 'big'));
    await writeFile(join(root, 'big', 'Dockerfile'), bigDockerfile());
    await mkdir(join(root, 'chatty'));
    await writeFile(join(root, 'chatty', 'Dockerfile'), `FROM ${BASE_IMAGE}\nRUN seq 1 1000000\n`);
    app = await startApp();
    await app.page.getByTestId('engine-version').waitFor();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshot(app.page, `failed-scale-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`);
  });

  afterAll(async () => {
    await app?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('lays out 300 steps once, and stays responsive while they all change state', async () => {
    const { page } = app;
    await page.evaluate(LONG_TASKS);
    const started = Date.now();
    await page.getByTestId('context-path').fill(join(root, 'big'));
    await page.getByTestId('context-path').press('Enter');
    await page.getByTestId('outline-header').getByText('300 steps in 28 stages').waitFor();
    await step(page, 'final:30').waitFor();
    const shown = Date.now() - started;
    expect(shown).toBeLessThan(5000);
    await screenshot(page, '09-300-steps-outline');
    const layoutsBefore = Number(await page.getByTestId('build-graph').getAttribute('data-layouts'));
    console.log(`300-step graph shown in ${shown} ms; long tasks while opening: ${JSON.stringify(await page.evaluate(LONG_TASKS))}`);

    await page.getByTestId('build-button').click();
    await buildStatus(page, 'succeeded', 240_000);
    const tasks = (await page.evaluate(LONG_TASKS)) as number[];
    console.log(`long tasks during the 300-step build: ${tasks.length}, longest ${Math.max(0, ...tasks)} ms`);
    // The build's graph has the outline's shape: no second layout, and nothing stalls.
    expect(Number(await page.getByTestId('build-graph').getAttribute('data-layouts'))).toBe(layoutsBefore);
    expect(Math.max(0, ...tasks)).toBeLessThan(500);
    expect(await page.getByTestId('build-counts').textContent()).toMatch(/^300\/300 steps/);

    // Pan and zoom with the mouse stay smooth.
    await page.evaluate(LONG_TASKS);
    const graph = page.getByTestId('build-graph');
    const box = (await graph.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 5; i++) {
      await page.keyboard.down('Control');
      await page.mouse.wheel(0, -200);
      await page.keyboard.up('Control');
    }
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 300, box.y + box.height / 2 + 100, { steps: 10 });
    await page.mouse.up();
    const panTasks = (await page.evaluate(LONG_TASKS)) as number[];
    console.log(`long tasks while zooming and panning: ${JSON.stringify(panTasks)}`);
    expect(Math.max(0, ...panTasks)).toBeLessThan(300);
    await screenshot(page, '10-300-steps-built');
  });

  it('keeps the last 50 000 of a million lines, and scrolls and searches them', async () => {
    const { page } = app;
    await page.getByTestId('context-path').fill(join(root, 'chatty'));
    await page.getByTestId('context-path').press('Enter');
    await step(page, 'stage-0:2').waitFor();
    await page.evaluate(LONG_TASKS);
    await page.getByTestId('build-button').click();
    await stepStatus(page, 'stage-0:2', 'running');
    await step(page, 'stage-0:2').click();
    const log = page.getByTestId('log-view');
    await buildStatus(page, 'succeeded', 120_000);
    // Following: the last line is in view.
    await log.locator('.log-line', { hasText: /^1000000\s*1000000$/ }).waitFor();
    expect(await page.getByTestId('log-dropped').textContent()).toBe(
      '950,000 earlier lines not kept in memory (the last 50,000 lines are shown)',
    );
    // Virtualised: a screenful of rows in the DOM, not 50 000.
    expect(await log.locator('.log-line').count()).toBeLessThan(200);

    await page.getByTestId('log-search').fill('999999');
    await expect.poll(() => page.getByTestId('log-search-count').textContent()).toBe('1/1');
    await log.locator('.log-line.current', { hasText: '999999' }).waitFor();
    await page.getByTestId('log-search').fill('');

    // To the top: the oldest line kept.
    await log.locator('.log-scroll').evaluate((el: { scrollTop: number }) => {
      el.scrollTop = 0;
    });
    await log.locator('.log-line', { hasText: /^950001\s*950001$/ }).waitFor();
    expect(await page.getByTestId('log-follow').getAttribute('aria-pressed')).toBe('false');
    const tasks = (await page.evaluate(LONG_TASKS)) as number[];
    console.log(`long tasks while streaming a million lines: ${tasks.length}, longest ${Math.max(0, ...tasks)} ms`);
    expect(Math.max(0, ...tasks)).toBeLessThan(1000);
    await screenshot(page, '11-million-lines');
    expect(await waitNoContainers()).toEqual([]);
    expect(app.pageErrors).toEqual([]);
  });
});
