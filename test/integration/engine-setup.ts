import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { connectEngine, engineInfo } from '../../electron/docker/engine';

export const BASE_IMAGE = 'local/busybox:latest';

/**
 * Integration tests need a real engine and the test base image. No engine is a failure with
 * what to do, never a silent skip; a missing base image is built from the project's recipe.
 */
export default async function setup(): Promise<void> {
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
}
