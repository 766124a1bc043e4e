/**
 * Leftovers of builds that died (kill -9, a crash, a power cut): each running build holds a
 * lock file naming its process; containers of builds whose process is gone are removed, with
 * their anonymous volumes, when Slipway starts.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { BUILD_LABEL } from '../docker/containers';

const locks = (home: string) => join(home, 'running');

/** Marks a build as alive until `release` is called (or its process ends). */
export async function holdBuildLock(home: string, buildId: string): Promise<() => Promise<void>> {
  await mkdir(locks(home), { recursive: true });
  const path = join(locks(home), buildId);
  await writeFile(path, String(process.pid));
  return () => rm(path, { force: true });
}

async function isAlive(home: string, buildId: string): Promise<boolean> {
  let pid: number;
  try {
    pid = Number(await readFile(join(locks(home), buildId), 'utf8'));
  } catch {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes containers of dead builds; returns their names. */
export async function sweepLeftovers(docker: Docker, home: string): Promise<string[]> {
  const containers = await docker.listContainers({ all: true, filters: { label: [BUILD_LABEL] } });
  const removed: string[] = [];
  for (const container of containers) {
    const name = container.Names[0]?.replace(/^\//, '') ?? container.Id;
    const buildId = container.Labels[BUILD_LABEL];
    if (!buildId || (await isAlive(home, buildId))) continue;
    await docker.getContainer(container.Id).remove({ force: true, v: true }).catch(() => {});
    await rm(join(locks(home), buildId), { force: true });
    removed.push(name);
  }
  return removed;
}
