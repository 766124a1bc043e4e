import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { sweepLeftovers } from '../../electron/core/sweep';
import { OWNER_LABEL, processOwner } from '../../electron/docker/containers';
import { BASE_IMAGE } from './engine-setup';
import { docker } from './helpers/engine';

/** A pid no process has: above the kernel's pid_max ceiling. */
const DEAD_PID = 4194305;

describe('the start-up sweep', () => {
  it('removes containers of dead processes, with their volumes, and spares live ones and other hosts\'', async () => {
    const make = (name: string, owner: string, volume = false) =>
      docker.createContainer({
        Image: BASE_IMAGE,
        name,
        Cmd: ['true'],
        ...(volume ? { Volumes: { '/scratch': {} } } : {}),
        Labels: { 'dev.slipway.build': name.split('-')[1]!, [OWNER_LABEL]: owner },
      });
    const dead = await make('slipway-deadbuild01-stage-0_2-aaaaaa', `${hostname()}/${DEAD_PID}`, true);
    const live = await make('slipway-livebuild01-stage-0_2-bbbbbb', processOwner());
    const remote = await make('slipway-remotebuild1-stage-0_2-cccccc', `some-other-host/${DEAD_PID}`);
    const volume = (await dead.inspect()).Mounts[0]!.Name!;
    try {
      const removed = await sweepLeftovers(docker);
      expect(removed).toContain('slipway-deadbuild01-stage-0_2-aaaaaa');
      expect(removed).not.toContain('slipway-livebuild01-stage-0_2-bbbbbb');
      expect(removed).not.toContain('slipway-remotebuild1-stage-0_2-cccccc');
      await expect(dead.inspect()).rejects.toMatchObject({ statusCode: 404 });
      await expect(docker.getVolume(volume).inspect()).rejects.toMatchObject({ statusCode: 404 });
      expect((await live.inspect()).Name).toBe('/slipway-livebuild01-stage-0_2-bbbbbb');
      expect((await remote.inspect()).Name).toBe('/slipway-remotebuild1-stage-0_2-cccccc');
    } finally {
      await live.remove({ force: true });
      await remote.remove({ force: true });
      await dead.remove({ force: true }).catch(() => {});
    }
  });
});
