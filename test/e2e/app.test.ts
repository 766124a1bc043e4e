/**
 * The app end to end, in Chromium against the real engine (web mode): choose a context, see
 * the graph before building, build, watch steps reach their states, read a RUN's logs, kill a
 * `sleep 300` while a sibling stage completes, reload and catch up, retry after fixing the
 * Dockerfile (earlier steps cached), open a shell in a running step, a failing RUN shown at its
 * line, and a bad Dockerfile's error at the right line. Screenshots in test-results/screenshots.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../../electron/docker/engine';
import { BASE_IMAGE, buildStatus, screenshot, startApp, step, stepStatus, waitNoContainers, type App } from './harness';

const DOCKERFILE = (slow: string) => `ARG BASE=${BASE_IMAGE}
FROM \${BASE} AS base
ARG GREETING=hello
RUN echo "$GREETING from base" && echo "a warning on stderr" >&2 && printf '\\033[32mgreen text\\033[0m\\n'

FROM base AS slow
${slow}
RUN echo slow > /slow.txt

FROM base AS fast
RUN sleep 12 && echo fast > /fast.txt && echo "fast stage done"

FROM base AS final
COPY --from=fast /fast.txt /fast.txt
COPY --from=slow /slow.txt /slow.txt
CMD ["cat", "/fast.txt"]
`;

const SHELL_DOCKERFILE = `FROM ${BASE_IMAGE}
RUN echo "waiting for a shell" && sleep 300
`;

const FAIL_DOCKERFILE = `FROM ${BASE_IMAGE}
RUN echo "about to fail"
RUN echo "going down" >&2 && exit 3
RUN echo never
`;

const BAD_DOCKERFILE = `FROM ${BASE_IMAGE}
RUN echo ok
RUNN echo typo
COPY a b
`;

describe('Slipway in a browser', () => {
  let app: App;
  let context: string;
  let firstBuild = '';

  beforeAll(async () => {
    const parent = await mkdtemp(join(tmpdir(), 'slipway-e2e-'));
    context = join(parent, 'multistage-app');
    await mkdir(join(context, 'src'), { recursive: true });
    await writeFile(join(context, 'Dockerfile'), DOCKERFILE('RUN sleep 300'));
    await writeFile(join(context, 'shell.Dockerfile'), SHELL_DOCKERFILE);
    await writeFile(join(context, 'fail.Dockerfile'), FAIL_DOCKERFILE);
    await writeFile(join(context, 'bad.Dockerfile'), BAD_DOCKERFILE);
    await writeFile(join(context, 'src', 'main.c'), 'int main(void) { return 0; }\n');
    await writeFile(join(context, 'secret.env'), 'TOKEN=do-not-send\n');
    await writeFile(join(context, '.dockerignore'), 'secret.env\n');
    app = await startApp();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshot(app.page, `failed-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
  });

  afterAll(async () => {
    await app?.close();
    if (context) await rm(dirname(context), { recursive: true, force: true });
    // The tag the retried build gave; its untagged steps go with the run's image clean-up.
    await connectEngine().getImage('slipway-e2e:latest').remove().catch(() => {});
  });

  it('opens a context from the folder browser and shows it after .dockerignore', async () => {
    const { page } = app;
    await page.getByTestId('engine-version').waitFor();
    expect(await page.getByTestId('empty-state').isVisible()).toBe(true);
    await screenshot(page, '00-empty');

    // Browse from the parent folder, step into the context, use it.
    await page.getByTestId('context-path').fill(dirname(context));
    await page.getByTestId('context-browse').click();
    await page.getByTestId('folder-browser').getByRole('button', { name: basename(context) }).click();
    await page.getByTestId('folder-browser').getByText('bad.Dockerfile, Dockerfile, fail.Dockerfile, shell.Dockerfile').waitFor();
    await page.getByTestId('folder-use').click();

    await page.getByTestId('context-summary').waitFor();
    expect(await page.getByTestId('context-path').inputValue()).toBe(context);
    // Dockerfile, 3 other Dockerfiles, .dockerignore, src/main.c; secret.env is ignored.
    expect(await page.getByTestId('context-totals').textContent()).toMatch(/^6 files · \d+ B$/);
    await page.getByTestId('context-tree-toggle').click();
    const tree = page.getByTestId('context-tree');
    await tree.getByText('src').waitFor();
    expect(await tree.getByText('secret.env').count()).toBe(0);

    const options = await page.getByTestId('dockerfile-select').locator('option').allTextContents();
    expect(options).toEqual(['Dockerfile', 'bad.Dockerfile', 'fail.Dockerfile', 'shell.Dockerfile']);
  });

  it('shows the graph, targets and build args before building', async () => {
    const { page } = app;
    await page.getByTestId('build-graph').waitFor();
    await expect.poll(() => step(page, 'final:4').count()).toBe(1);
    expect(await page.locator('[data-testid="step-node"]').count()).toBe(12);
    expect(await page.locator('[data-testid="stage-node"]').count()).toBe(4);
    expect(await page.locator('[data-testid="step-node"][data-status="pending"]').count()).toBe(12);
    // Edges: 8 in stage order, 3 FROM <stage>, 2 COPY --from.
    expect(await page.locator('.react-flow__edge').count()).toBe(13);
    expect(await page.locator('.react-flow__edge.edge-copy-from').count()).toBe(2);
    expect(await page.getByTestId('outline-header').textContent()).toContain('12 steps in 4 stages · target final');

    const targets = await page.getByTestId('target-select').locator('option').allTextContents();
    expect(targets).toEqual(['last stage (final)', 'base', 'slow', 'fast', 'final']);
    // A target prunes the graph to what it needs.
    await page.getByTestId('target-select').selectOption('fast');
    await expect.poll(() => page.locator('[data-testid="step-node"]').count()).toBe(5);
    expect(await page.getByTestId('outline-header').textContent()).toContain('5 steps in 2 stages · target fast');
    await page.getByTestId('target-select').selectOption('');
    await expect.poll(() => page.locator('[data-testid="step-node"]').count()).toBe(12);
    expect(await page.getByTestId('arg-BASE').getAttribute('placeholder')).toBe(BASE_IMAGE);
    expect(await page.getByTestId('arg-GREETING').getAttribute('placeholder')).toBe('hello');

    // A step of the outline shows its lines in the Dockerfile.
    await step(page, 'slow:2').click();
    const view = page.getByTestId('dockerfile-view');
    await view.waitFor();
    expect(await view.locator('.code-line.in-step').allTextContents()).toEqual(['7RUN sleep 300']);
    await screenshot(page, '01-outline');
    await page.keyboard.press('Escape');
  });

  it('builds: steps go through their states, and a RUN step shows its output', async () => {
    const { page } = app;
    await page.getByTestId('arg-GREETING').fill('hi-e2e');
    await page.getByTestId('tags').fill('slipway-e2e:latest');
    // The args changed: the outline is read again before the build is allowed.
    await page.waitForTimeout(500);
    await page.getByTestId('build-button').click();

    const header = page.getByTestId('build-header');
    await header.waitFor();
    firstBuild = (await header.getAttribute('data-build-id'))!;
    expect(firstBuild).toMatch(/^[0-9a-f]{12}$/);

    await stepStatus(page, 'base:3', 'done');
    await stepStatus(page, 'slow:2', 'running');
    await stepStatus(page, 'fast:2', 'running');
    expect(await step(page, 'final:2').getAttribute('data-status')).toBe('queued');
    // A running step's clock ticks.
    const clock = () => step(page, 'slow:2').locator('.step-state-text').textContent();
    const before = await clock();
    expect(before).toMatch(/^running \d+:\d\d$/);
    await expect.poll(clock, { timeout: 5000 }).not.toBe(before);

    // The RUN's output: stdout, stderr told apart, ANSI colours.
    await step(page, 'base:3').click();
    const log = page.getByTestId('log-view');
    await log.getByText('hi-e2e from base').waitFor();
    const stderr = log.locator('.log-line.stderr');
    expect(await stderr.count()).toBe(1);
    expect(await stderr.textContent()).toContain('a warning on stderr');
    const green = log.locator('.log-text span', { hasText: 'green text' });
    expect(await green.getAttribute('style')).toMatch(/color/);
    expect(await log.textContent()).not.toContain('\x1b');
    await page.getByTestId('log-search').fill('WARNING');
    await expect.poll(() => page.getByTestId('log-search-count').textContent()).toBe('1/1');
    expect(await log.locator('mark').textContent()).toBe('warning');
    await page.getByTestId('log-search').fill('');

    await page.getByTestId('tab-details').click();
    const details = page.getByTestId('step-details');
    expect(await details.textContent()).toMatch(/CacheMISS/);
    expect(await details.textContent()).toMatch(/Image[0-9a-f]{12}/);
    // The run config of the step's image, read from the engine.
    const config = page.getByTestId('image-config');
    await config.locator('th', { hasText: 'Platform' }).waitFor();
    expect(await config.textContent()).toMatch(/EnvPATH=\S+/);
    expect(await config.textContent()).toMatch(/linux\/\w+ · \d+ layers?/);
    await screenshot(page, '02-step-details');
    await page.getByTestId('tab-logs').click();
    await screenshot(page, '02-building-logs');
  });

  it('kills the `sleep 300` step: its stage stops, the sibling stage completes', async () => {
    const { page } = app;
    await step(page, 'slow:2').click();
    await page.getByTestId('kill-step').click();
    await stepStatus(page, 'slow:2', 'cancelled', 30_000);
    // The fast stage was still running when its sibling was killed, and goes on to finish.
    expect(await step(page, 'fast:2').getAttribute('data-status')).toBe('running');
    await stepStatus(page, 'fast:2', 'done', 30_000);
    await buildStatus(page, 'cancelled');
    for (const id of ['slow:3', 'final:2', 'final:3', 'final:4']) {
      expect(await step(page, id).getAttribute('data-status'), id).toBe('cancelled');
    }
    // final's FROM needs only base: it was done before the kill.
    expect(await step(page, 'final:1').getAttribute('data-status')).toBe('cached');
    expect(await page.getByTestId('step-panel-status').textContent()).toMatch(/^cancelled/);
    expect(await page.getByTestId('build-counts').textContent()).toContain('5 cancelled');
    await screenshot(page, '03-killed');
  });

  it('catches up after a reload: the same build, the same states, the same logs', async () => {
    const { page } = app;
    await page.reload();
    await page.getByTestId('build-header').waitFor();
    expect(await page.getByTestId('build-header').getAttribute('data-build-id')).toBe(firstBuild);
    await buildStatus(page, 'cancelled');
    await stepStatus(page, 'slow:2', 'cancelled', 10_000);
    await stepStatus(page, 'fast:2', 'done', 10_000);
    await step(page, 'fast:2').click();
    await page.getByTestId('log-view').getByText('fast stage done').waitFor();
  });

  it('retries after the Dockerfile is fixed: a new build, earlier steps from the cache', async () => {
    const { page } = app;
    await writeFile(join(context, 'Dockerfile'), DOCKERFILE('RUN echo "fixed: no more sleeping"'));
    await step(page, 'slow:2').click();
    await page.getByTestId('retry-step').click();

    await expect.poll(() => page.getByTestId('build-header').getAttribute('data-build-id')).not.toBe(firstBuild);
    await buildStatus(page, 'succeeded');
    for (const id of ['base:1', 'base:2', 'base:3', 'fast:1', 'fast:2', 'slow:1']) {
      expect(await step(page, id).getAttribute('data-status'), id).toBe('cached');
    }
    for (const id of ['slow:2', 'slow:3', 'final:2', 'final:3', 'final:4']) {
      expect(await step(page, id).getAttribute('data-status'), id).toBe('done');
    }
    // The panel follows the retried step into the new build.
    await page.getByTestId('log-view').getByText('fixed: no more sleeping').waitFor();
    await page.getByTestId('tab-details').click();
    expect(await page.getByTestId('step-details').textContent()).toMatch(/CacheMISS/);
    await step(page, 'base:3').click();
    expect(await page.getByTestId('step-details').textContent()).toMatch(/CacheHIT/);
    expect(await page.getByTestId('build-header').textContent()).toContain('retry of');
    expect(await page.locator('[data-testid="build-item"]').count()).toBe(2);
    await screenshot(page, '04-retry-succeeded');
  });

  it('opens a shell in a running RUN step, runs echo, shows the output, then cancels the build', async () => {
    const { page } = app;
    await page.getByTestId('dockerfile-select').selectOption('shell.Dockerfile');
    await expect.poll(() => page.locator('[data-testid="step-node"]').count()).toBe(2);
    await page.getByTestId('build-button').click();
    await stepStatus(page, 'stage-0:2', 'running');
    await step(page, 'stage-0:2').click();
    await page.getByTestId('tab-shell').click();
    const open = page.getByTestId('shell-open');
    await expect.poll(() => open.isEnabled(), { timeout: 15_000 }).toBe(true);
    await open.click();
    await page.getByTestId('shell-close').waitFor();

    const rows = page.locator('[data-testid="shell-terminal"] .xterm-rows');
    await expect.poll(() => rows.textContent(), { timeout: 15_000 }).toMatch(/[#$]/);
    await page.locator('[data-testid="shell-terminal"] .xterm-helper-textarea').focus();
    await page.keyboard.type('echo "sum=$((6*7))"');
    await page.keyboard.press('Enter');
    await expect.poll(() => rows.textContent(), { timeout: 15_000 }).toContain('sum=42');
    await screenshot(page, '05-shell');

    // The shell ends when it exits; the step goes on running.
    await page.keyboard.type('exit 7');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('shell-exited').textContent(), { timeout: 15_000 }).toBe('Shell exited (code 7)');
    expect(await step(page, 'stage-0:2').getAttribute('data-status')).toBe('running');

    await page.getByTestId('cancel-build').click();
    await buildStatus(page, 'cancelled', 30_000);
    await stepStatus(page, 'stage-0:2', 'cancelled', 10_000);
  });

  it('shows a failing RUN as failed with its exit code, and its error at its line', async () => {
    const { page } = app;
    await page.getByTestId('dockerfile-select').selectOption('fail.Dockerfile');
    await expect.poll(() => page.locator('[data-testid="step-node"]').count()).toBe(4);
    await page.getByTestId('build-button').click();
    await buildStatus(page, 'failed');
    await stepStatus(page, 'stage-0:3', 'failed', 5_000);
    expect(await step(page, 'stage-0:3').locator('.step-state-text').textContent()).toBe('failed · exit 3');
    expect(await step(page, 'stage-0:4').getAttribute('data-status')).toBe('cancelled');
    await step(page, 'stage-0:3').click();
    await page.getByTestId('log-view').getByText('going down').waitFor();
    expect(await page.getByTestId('step-error').textContent()).toMatch(/^exit code 3: /);
    await page.getByTestId('tab-dockerfile').click();
    const error = page.getByTestId('dockerfile-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/line 3/);
    expect(await page.locator('.code-line.in-error').allTextContents()).toEqual(['3RUN echo "going down" >&2 && exit 3']);
    await screenshot(page, '06-step-failed');
  });

  it('shows a bad Dockerfile’s error at its line instead of a graph', async () => {
    const { page } = app;
    await page.getByTestId('dockerfile-select').selectOption('bad.Dockerfile');
    const card = page.getByTestId('dockerfile-error-card');
    await card.waitFor();
    expect(await card.getByTestId('error-box').getAttribute('data-code')).toBe('DOCKERFILE');
    expect(await card.locator('.error-title').textContent()).toBe('Dockerfile error at line 3');
    expect(await card.locator('.error-message').textContent()).toContain('unknown instruction: RUNN');
    expect(await page.getByTestId('build-button').isDisabled()).toBe(true);
    // The Dockerfile's text with the bad line marked and the message under it.
    const badLine = card.locator('.code-line.in-error');
    await badLine.waitFor();
    expect(await badLine.getAttribute('data-line')).toBe('3');
    expect(await badLine.locator('.code-text').textContent()).toBe('RUNN echo typo');
    expect(await card.getByTestId('dockerfile-error').textContent()).toContain('unknown instruction: RUNN');
    await screenshot(page, '07-bad-dockerfile');

    // Fixed on disk, read again: the graph is back.
    await writeFile(join(context, 'bad.Dockerfile'), BAD_DOCKERFILE.replace('RUNN', 'RUN'));
    await page.getByTestId('outline-refresh').click();
    await expect.poll(() => page.locator('[data-testid="step-node"]').count()).toBe(4);
  });

  it('leaves no step containers behind and logs no page errors', async () => {
    expect(await waitNoContainers()).toEqual([]);
    expect(app.pageErrors).toEqual([]);
  });
});
