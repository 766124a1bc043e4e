import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { holdBuildLock, sweepLeftovers } from '../../electron/core/sweep';
import { BASE_IMAGE } from './engine-setup';
import { docker } from './helpers/engine';

describe('the start-up sweep', () => {
  it('removes containers of dead builds, with their volumes, and spares live ones', async () => {
    const home = await mkdtemp(join(tmpdir(), 'slipway-sweep-'));
    const release = await holdBuildLock(home, 'livebuild01');
    const dead = await docker.createContainer({ Image: BASE_IMAGE, name: 'slipway-deadbuild01-stage-0_2-aaaaaa', Cmd: ['true'], Volumes: { '/scratch': {} }, Labels: { 'dev.slipway.build': 'deadbuild01' } });
    const live = await docker.createContainer({ Image: BASE_IMAGE, name: 'slipway-livebuild01-stage-0_2-bbbbbb', Cmd: ['true'], Labels: { 'dev.slipway.build': 'livebuild01' } });
    const volume = (await dead.inspect()).Mounts[0]!.Name!;
    try {
      const removed = await sweepLeftovers(docker, home);
      expect(removed).toEqual(['slipway-deadbuild01-stage-0_2-aaaaaa']);
      await expect(dead.inspect()).rejects.toMatchObject({ statusCode: 404 });
      await expect(docker.getVolume(volume).inspect()).rejects.toMatchObject({ statusCode: 404 });
      expect((await live.inspect()).Name).toBe('/slipway-livebuild01-stage-0_2-bbbbbb');
    } finally {
      await release();
      await live.remove({ force: true });
      await dead.remove({ force: true }).catch(() => {});
    }
  });
});
