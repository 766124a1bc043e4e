/**
 * Layer diffs against the real engine: a RUN that adds, modifies and deletes files is listed
 * exactly so, with sizes; COPY and WORKDIR have diffs too; a file deleted by a later step is
 * wasted space; a rebuild from the cache finds the diffs recorded when the images were built.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BuildLayers } from '../../electron/core/layers-build';
import { LayerStore } from '../../electron/core/layers-store';
import type { BuildEvent, EventOf } from '../../shared/events';
import { docker, leftovers, slipwayBuild } from './helpers/engine';

const DOCKERFILE = `FROM local/busybox:latest
RUN mkdir /data && printf original > /data/keep && printf 'remove me' > /data/gone && head -c 30000 /dev/zero > /scratch.bin
RUN printf hello > /a && printf '+more' >> /data/keep && rm /data/gone
WORKDIR /work
COPY f.txt /work/f.txt
RUN rm /scratch.bin
ENV DONE=1
RUN true
`;

const made: string[] = [];
const temp: string[] = [];

afterAll(async () => {
  // Newest first: a child keeps its parent.
  for (const id of made.reverse()) await docker.getImage(id).remove({ force: true }).catch(() => {});
  for (const dir of temp) await rm(dir, { recursive: true, force: true });
});

async function build(context: string, home: string, store: LayerStore): Promise<{ events: BuildEvent[]; layers: BuildLayers }> {
  const result = await slipwayBuild({ context, layers: store }, home);
  for (const e of result.events) if (e.type === 'step-done' && !e.cached && e.imageId && !made.includes(e.imageId)) made.push(e.imageId);
  expect(result.status, JSON.stringify(result.error)).toBe('succeeded');
  const layers = new BuildLayers(store);
  result.events.forEach((e) => layers.observe(e));
  return { events: result.events, layers };
}

describe('layer diffs', () => {
  const context = mkdtempSync(join(tmpdir(), 'slipway-layers-ctx-'));
  temp.push(context);
  writeFileSync(join(context, 'Dockerfile'), DOCKERFILE);
  writeFileSync(join(context, 'f.txt'), 'twelve bytes');
  let home = '';
  let store: LayerStore;
  let first: { events: BuildEvent[]; layers: BuildLayers };

  it('lists exactly what a RUN added, modified and deleted, with sizes', async () => {
    home = await mkdtemp(join(tmpdir(), 'slipway-layers-home-'));
    temp.push(home);
    store = new LayerStore(join(home, 'builds', 'layers'));
    first = await build(context, home, store);

    const layer = await first.layers.step('stage-0:3');
    expect(layer.available).toBe(true);
    if (!layer.available) return;
    expect(layer.source).toBe('built');
    expect(layer.diff.entries).toEqual([
      { path: '/a', kind: 'added', size: 5 },
      { path: '/data', kind: 'modified', isDirectory: true },
      { path: '/data/gone', kind: 'deleted' },
      { path: '/data/keep', kind: 'modified', size: 13 },
    ]);
    expect(layer.diff).toMatchObject({ truncated: false, unsized: 0 });

    // One small event per committed step, before the step is done; none for metadata steps.
    const announced = first.events.filter((e): e is EventOf<'step-layer'> => e.type === 'step-layer');
    expect(announced.map((e) => e.stepId)).toEqual(['stage-0:2', 'stage-0:3', 'stage-0:4', 'stage-0:5', 'stage-0:6', 'stage-0:8']);
    expect(announced[1]).toMatchObject({ added: 1, modified: 2, deleted: 1 });
    const index = (type: string, stepId: string) => first.events.findIndex((e) => e.type === type && 'stepId' in e && e.stepId === stepId);
    expect(index('step-layer', 'stage-0:3')).toBeLessThan(index('step-done', 'stage-0:3'));
    // The layer's size is what the engine says the step added.
    const sizeOf = async (id: string) => (await docker.getImage(id).inspect()).Size;
    const done = (stepId: string) => first.events.find((e): e is EventOf<'step-done'> => e.type === 'step-done' && e.stepId === stepId)!;
    expect(announced[0]!.layerSize).toBe((await sizeOf(done('stage-0:2').imageId)) - (await sizeOf(done('stage-0:1').imageId)));
    expect(announced[0]!.layerSize).toBeGreaterThanOrEqual(30_000);
    expect(await leftovers()).toEqual([]);
  });

  it('records COPY and WORKDIR too; ENV has no files', async () => {
    const workdir = await first.layers.step('stage-0:4');
    expect(workdir.available && workdir.diff.entries).toEqual([{ path: '/work', kind: 'added', isDirectory: true, size: 0 }]);
    const copy = await first.layers.step('stage-0:5');
    expect(copy.available && copy.diff.entries).toEqual([
      { path: '/work', kind: 'modified', isDirectory: true },
      { path: '/work/f.txt', kind: 'added', size: 12 },
    ]);
    expect(await first.layers.step('stage-0:7')).toMatchObject({ available: false, reason: expect.stringMatching(/^ENV/) });
  });

  it('records an empty diff for a RUN that changes nothing, without a warning', async () => {
    const nothing = await first.layers.step('stage-0:8');
    expect(nothing.available && nothing.diff.entries).toEqual([]);
    expect(first.events.filter((e) => e.type === 'build-message' && e.level === 'warning')).toEqual([]);
  });

  it('counts files a later step deleted or overwrote as wasted space of the image', async () => {
    const [image] = await first.layers.waste();
    expect(image).toMatchObject({ stageKey: 'stage-0', target: true, total: 30_017, unknownSteps: [] });
    expect(image!.files).toEqual([
      { path: '/scratch.bin', size: 30_000, stepId: 'stage-0:2', removedBy: 'stage-0:6', how: 'deleted' },
      { path: '/data/gone', size: 9, stepId: 'stage-0:2', removedBy: 'stage-0:3', how: 'deleted' },
      { path: '/data/keep', size: 8, stepId: 'stage-0:2', removedBy: 'stage-0:3', how: 'overwritten' },
    ]);
  });

  it('a rebuild from the cache finds the diffs recorded when the images were built', async () => {
    const again = await build(context, home, store);
    expect(again.events.filter((e) => e.type === 'step-layer')).toEqual([]);
    const layer = await again.layers.step('stage-0:3');
    expect(layer).toMatchObject({ available: true, source: 'cache' });
    expect((await again.layers.waste())[0]!.total).toBe(30_017);
  });
});
