import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { connectEngine, engineInfo } from '../../electron/docker/engine';

export const BASE_IMAGE = 'local/busybox:latest';

/**
 * Integration tests need a real engine and the test base image. No engine is a failure with
 * what to do, never a silent skip; a missing base image is built from the project's recipe.
 * Returns the teardown: the untagged images created while the run went on (both builders'
 * results and cache steps, which tests build by the hundred) are removed, so runs do not fill
 * the engine's disk.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const docker = connectEngine();
  try {
    await engineInfo(docker);
  } catch (err) {
    throw new Error(
      `Integration tests need a running Docker engine. ${(err as Error).message}\n` +
        'The simplest way: `bash .ci/run` (installs docker.io and starts dockerd), or `dockerd > /tmp/dockerd.log 2>&1 &`.',
    );
  }
  try {
    await docker.getImage(BASE_IMAGE).inspect();
  } catch {
    execFileSync('bash', [resolve(import.meta.dirname, '../fixtures/base-image.sh'), BASE_IMAGE], { stdio: 'inherit' });
  }
  const before = new Set((await docker.listImages({ all: true })).map((image) => image.Id));
  return async () => {
    const made = (await docker.listImages({ filters: { dangling: ['true'] } })).filter((image) => !before.has(image.Id));
    // Newest first: removing an image also removes its untagged parents.
    made.sort((a, b) => b.Created - a.Created);
    for (const image of made) await docker.getImage(image.Id).remove({ force: true }).catch(() => {});
  };
}
