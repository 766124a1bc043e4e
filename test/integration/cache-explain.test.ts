/**
 * Cache explanations against the real engine: a rebuild after editing one context file names
 * that file (by its path in the context) as the COPY step's reason, and the steps after it as
 * missing because of that step.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BuildEvent, CacheDecision } from '../../shared/events';
import { OWNER_LABEL, processOwner } from '../../electron/docker/containers';
import { docker, slipwayBuild } from './helpers/engine';

const made = new Set<string>();
/** Step containers of this test process still there (other processes may be building now). */
const ourLeftovers = async () =>
  (await docker.listContainers({ all: true, filters: { label: [`${OWNER_LABEL}=${processOwner()}`] } })).map((c) => c.Names.join(','));
const dirs: string[] = [];

function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-cache-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const decision = (events: BuildEvent[], stepId: string): CacheDecision | undefined => {
  const found = events.find((e) => e.type === 'step-cache' && e.stepId === stepId);
  return found?.type === 'step-cache' ? found.decision : undefined;
};

afterAll(async () => {
  for (const id of made) await docker.getImage(id).remove({ force: true }).catch(() => {});
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('cache explanations', () => {
  it('names the changed context file of a directory COPY, and the added one', async () => {
    const ctx = context({
      Dockerfile: 'FROM local/busybox:latest\nCOPY app/ /app/\nCOPY top.txt /top.txt\nRUN cat /app/main.txt\n',
      'app/main.txt': 'one',
      'app/lib/util.txt': 'util',
      'top.txt': 'top',
    });
    const home = await mkdtemp(join(tmpdir(), 'slipway-home-'));
    const first = await slipwayBuild({ context: ctx }, home);
    expect(first.status).toBe('succeeded');
    made.add(first.imageId!);

    writeFileSync(join(ctx, 'app/main.txt'), 'two');
    writeFileSync(join(ctx, 'app/lib/extra.txt'), 'extra');
    const second = await slipwayBuild({ context: ctx }, home);
    expect(second.status).toBe('succeeded');
    made.add(second.imageId!);

    const copy = decision(second.events, 'stage-0:2');
    expect(copy).toMatchObject({ hit: false, reason: 'changed since the last build: the source files changed: app/main.txt changed, app/lib/extra.txt added' });
    expect(copy?.hit === false && copy.diff).toEqual({
      kind: 'changes',
      step: 'COPY app/ /app/',
      created: expect.any(Number),
      changes: [{ kind: 'files', changed: ['app/main.txt'], added: ['app/lib/extra.txt'], removed: [], complete: true }],
    });
    // Later steps miss because of it, and say which step that was.
    expect(decision(second.events, 'stage-0:3')).toEqual({ hit: false, reason: 'an earlier step in this stage missed the cache', diff: { kind: 'earlier-miss', stepId: 'stage-0:2' } });
    expect(await ourLeftovers()).toEqual([]);
  });

  it('names a changed heredoc source', async () => {
    const dockerfile = (text: string) => `FROM local/busybox:latest\nCOPY same.txt <<EOT /files/\n${text}\nEOT\n`;
    const ctx = context({ Dockerfile: dockerfile('hello'), 'same.txt': 'same' });
    const home = await mkdtemp(join(tmpdir(), 'slipway-home-'));
    const first = await slipwayBuild({ context: ctx }, home);
    made.add(first.imageId!);
    writeFileSync(join(ctx, 'Dockerfile'), dockerfile('goodbye'));
    const second = await slipwayBuild({ context: ctx }, home);
    made.add(second.imageId!);
    expect(decision(second.events, 'stage-0:2')?.reason).toBe('changed since the last build: the source files changed: (heredoc) EOT changed');
  });

  it('names a changed file among several COPY sources, and a changed build arg by name', async () => {
    const ctx = context({
      Dockerfile: 'FROM local/busybox:latest\nARG TOKEN=a\nCOPY a.txt b.txt /files/\nRUN echo "$TOKEN" > /t\n',
      'a.txt': 'a',
      'b.txt': 'b',
    });
    const home = await mkdtemp(join(tmpdir(), 'slipway-home-'));
    const first = await slipwayBuild({ context: ctx, buildArgs: { TOKEN: 'first-secret' } }, home);
    made.add(first.imageId!);
    writeFileSync(join(ctx, 'b.txt'), 'B');
    const second = await slipwayBuild({ context: ctx, buildArgs: { TOKEN: 'first-secret' } }, home);
    made.add(second.imageId!);
    expect(decision(second.events, 'stage-0:3')?.reason).toBe('changed since the last build: the source files changed: b.txt changed');

    const third = await slipwayBuild({ context: ctx, buildArgs: { TOKEN: 'second-secret' } }, home);
    made.add(third.imageId!);
    expect(decision(third.events, 'stage-0:3')?.hit).toBe(true);
    const run = decision(third.events, 'stage-0:4');
    expect(run).toMatchObject({ hit: false, reason: 'changed since the last build: build arg TOKEN changed' });
    expect(JSON.stringify(run)).not.toContain('secret');
  });
});
