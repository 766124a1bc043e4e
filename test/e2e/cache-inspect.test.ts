/**
 * Interactive inspection end to end, in Chromium against the real engine: after editing one
 * context file, the rebuilt COPY step's details name that file (by its path in the context) as
 * the cache miss reason, and the next step points back to it; the context inspector shows
 * which step uses which file, flags a file a COPY names but .dockerignore excludes (naming the
 * rule and its line), and lists a large file no step uses.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../../electron/docker/engine';
import { BASE_IMAGE, buildStatus, screenshot, startApp, step, waitNoContainers, type App } from './harness';

const DOCKERFILE = `FROM ${BASE_IMAGE}
COPY app/ /app/
RUN cat /app/main.txt
`;

// Never built: it names a file .dockerignore keeps out.
const INSPECT_DOCKERFILE = `FROM ${BASE_IMAGE}
COPY app/main.txt /main.txt
COPY app/lib/ /lib/
COPY app/secret.txt /secret.txt
`;

describe('cache explanations and the context inspector', () => {
  let app: App;
  let parent: string;
  let context: string;
  const images = new Set<string>();

  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'slipway-e2e-cache-'));
    context = join(parent, 'inspect-app');
    await mkdir(join(context, 'app', 'lib'), { recursive: true });
    await mkdir(join(context, 'assets'), { recursive: true });
    await writeFile(join(context, 'Dockerfile'), DOCKERFILE);
    await writeFile(join(context, 'inspect.Dockerfile'), INSPECT_DOCKERFILE);
    await writeFile(join(context, 'app', 'main.txt'), 'version one\n');
    await writeFile(join(context, 'app', 'lib', 'util.txt'), 'util\n');
    await writeFile(join(context, 'app', 'secret.txt'), 'TOKEN=do-not-send\n');
    await writeFile(join(context, 'assets', 'video.bin'), Buffer.alloc(3 * 1024 * 1024, 7));
    await writeFile(join(context, '.dockerignore'), '# secrets stay here\n**/secret.txt\n');
    app = await startApp();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshot(app.page, `failed-cache-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`);
  });

  afterAll(async () => {
    await app?.close();
    const docker = connectEngine();
    for (const id of images) await docker.getImage(id).remove({ force: true }).catch(() => {});
    if (parent) await rm(parent, { recursive: true, force: true });
  });

  async function build(): Promise<string> {
    const { page } = app;
    const header = page.getByTestId('build-header');
    const previous = (await header.count()) ? await header.getAttribute('data-build-id') : null;
    await page.getByTestId('build-button').click();
    await page.locator(`[data-testid="build-header"]${previous ? `:not([data-build-id="${previous}"])` : ''}`).waitFor();
    await buildStatus(page, 'succeeded');
    const image = await header.locator('[title^="sha256:"]').first().getAttribute('title');
    if (image) images.add(image);
    return (await header.getAttribute('data-build-id'))!;
  }

  it('names the edited context file as the COPY step’s cache miss reason', async () => {
    const { page } = app;
    await page.getByTestId('engine-version').waitFor();
    await page.getByTestId('context-path').fill(context);
    await page.getByTestId('context-open').click();
    await page.getByTestId('context-summary').waitFor();
    await expect.poll(() => step(page, 'stage-0:3').count()).toBe(1);

    const first = await build();
    await writeFile(join(context, 'app', 'main.txt'), 'version two\n');
    const second = await build();
    expect(second).not.toBe(first);

    // The COPY missed because app/main.txt changed; nothing else in app/ did.
    await step(page, 'stage-0:2').click();
    await page.getByTestId('tab-details').click();
    const details = page.getByTestId('step-details');
    await details.getByTestId('cache-explanation').waitFor();
    expect(await details.textContent()).toContain('MISS changed since the last build: the source files changed: app/main.txt changed');
    const files = details.getByTestId('cache-file');
    expect(await files.count()).toBe(1);
    expect(await files.first().getAttribute('data-what')).toBe('changed');
    expect(await files.first().locator('code').textContent()).toBe('app/main.txt');
    await screenshot(page, 'cache-01-copy-miss-names-file');

    // The RUN after it missed because of it, and says so with a way back.
    await step(page, 'stage-0:3').click();
    const earlier = page.getByTestId('cache-earlier-miss');
    await earlier.waitFor();
    expect(await earlier.textContent()).toContain('[2/3] COPY app/ /app/ missed the cache');
    await screenshot(page, 'cache-02-earlier-miss');
    await earlier.getByRole('button').click();
    expect(await page.getByTestId('step-panel').getAttribute('data-step-id')).toBe('stage-0:2');
    await page.keyboard.press('Escape');
  });

  it('inspects the context: who uses which file, an excluded file a COPY names, a large unused file', async () => {
    const { page } = app;
    await page.getByTestId('dockerfile-select').selectOption('inspect.Dockerfile');
    await expect.poll(() => page.locator('[data-testid="step-node"]').count()).toBe(4);
    await page.getByTestId('context-inspect').click();
    const inspector = page.getByTestId('context-inspector');
    const warnings = inspector.getByTestId('inspector-warning');
    await warnings.first().waitFor();

    expect(await warnings.count()).toBe(1);
    expect(await warnings.first().getAttribute('data-kind')).toBe('excluded');
    expect(await warnings.first().textContent()).toContain(
      'app/secret.txt is referenced by COPY on line 4 but excluded by .dockerignore rule **/secret.txt (line 2)',
    );

    // Per-file badges: the step on line 2 copies main.txt, the one on line 3 the lib folder.
    const file = (path: string) => inspector.locator(`[data-testid="usage-file"][data-path="${path}"]`);
    await inspector.locator('[data-testid="usage-dir"][data-path="app/lib"]').click();
    expect(await file('app/main.txt').getAttribute('data-used-by')).toBe('stage-0:2');
    expect(await file('app/main.txt').getByTestId('usage-badge').textContent()).toBe('COPY L2');
    expect(await file('app/lib/util.txt').getAttribute('data-used-by')).toBe('stage-0:3');
    // The Dockerfile is the build's own; the other one is copied by nobody.
    expect(await file('inspect.Dockerfile').textContent()).toContain('read by the build');
    expect(await file('Dockerfile').textContent()).toContain('unused');
    // The excluded file is not in the context the build sees.
    expect(await file('app/secret.txt').count()).toBe(0);

    const large = inspector.getByTestId('inspector-large-unused');
    expect(await large.textContent()).toContain('assets/video.bin');
    expect(await large.textContent()).toContain('3.1 MB');

    // Choosing a step highlights the files it copies.
    await inspector.locator('[data-testid="inspector-step"][data-step-id="stage-0:3"]').click();
    expect(await file('app/lib/util.txt').getAttribute('class')).toContain('focused');
    expect(await file('app/main.txt').getAttribute('class')).not.toContain('focused');
    await screenshot(page, 'cache-03-context-inspector');

    await page.keyboard.press('Escape');
    expect(await inspector.count()).toBe(0);
    expect(app.pageErrors).toEqual([]);
    expect(await waitNoContainers()).toEqual([]);
  });
});
