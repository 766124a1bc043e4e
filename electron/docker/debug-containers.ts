/**
 * What inspecting a build makes on the engine: debug containers (an idle `sh` on a step's state,
 * for shells to exec into), debug images (a failed container committed, to run such a shell in
 * the state it failed in), and a failed container's file changes. Everything carries Slipway's
 * build, step and owner labels plus a debug label, so a start-up sweep finds leftovers.
 */
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import type { DebugTarget, FileChange } from '../../shared/debug';
import { BUILD_LABEL, CONTAINER_PREFIX, OWNER_LABEL, STEP_LABEL, containerChanges, processOwner } from './containers';

/** What a debug container or image is for (a DebugTarget); its presence marks debug-only things. */
export const DEBUG_LABEL = 'dev.slipway.debug';

export interface DebugOwner {
  buildId: string;
  stepId: string;
}

const labels = (owner: DebugOwner, target: DebugTarget) => ({
  [BUILD_LABEL]: owner.buildId,
  [STEP_LABEL]: owner.stepId,
  [OWNER_LABEL]: processOwner(),
  [DEBUG_LABEL]: target,
});

const statusOf = (err: unknown) => (err as { statusCode?: number }).statusCode;
const ignoreMissing = (err: unknown) => {
  if (statusOf(err) !== 404 && statusOf(err) !== 409) throw err;
};

/**
 * Starts a container from `image` that does nothing but keep a `sh` waiting on its terminal, in
 * the image's environment, working directory and user: shells are execs in it.
 */
export async function startDebugContainer(docker: Docker, image: string, owner: DebugOwner, target: DebugTarget): Promise<string> {
  const step = owner.stepId.replace(/[^a-zA-Z0-9_.-]/g, '_');
  const container = await docker.createContainer({
    Image: image,
    name: `${CONTAINER_PREFIX}debug-${owner.buildId}-${step}-${target}-${randomBytes(3).toString('hex')}`,
    // The image's own ENTRYPOINT and CMD are the build's business, not the shell's.
    Entrypoint: [''],
    Cmd: ['sh'],
    Tty: true,
    OpenStdin: true,
    Labels: labels(owner, target),
    Healthcheck: { Test: ['NONE'] },
    HostConfig: { LogConfig: { Type: 'none', Config: {} } },
  } as Docker.ContainerCreateOptions);
  try {
    await container.start();
  } catch (err) {
    await container.remove({ force: true, v: true }).catch(() => {});
    throw err;
  }
  return container.id;
}

/** The failed container's filesystem as an image (labelled as debug-only, never a build output). */
export async function commitDebugImage(docker: Docker, containerId: string, owner: DebugOwner): Promise<string> {
  const committed = await new Promise<{ Id: string }>((resolve, reject) =>
    docker.modem.dial(
      {
        path: '/commit?',
        method: 'POST',
        options: { _query: { container: containerId, pause: false }, _body: { Labels: labels(owner, 'after') } },
        statusCodes: { 200: true, 201: true, 404: 'no such container', 500: 'server error' },
      },
      (err: unknown, data: unknown) => (err ? reject(err) : resolve(data as { Id: string })),
    ),
  );
  return committed.Id;
}

/** What the container changed against its image, sorted by path. */
export async function sortedChanges(docker: Docker, containerId: string): Promise<FileChange[]> {
  return (await containerChanges(docker, containerId)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Whether a container still exists (a kept failed container may have been removed). */
export async function containerExists(docker: Docker, containerId: string): Promise<boolean> {
  try {
    await docker.getContainer(containerId).inspect();
    return true;
  } catch (err) {
    if (statusOf(err) === 404) return false;
    throw err;
  }
}

/** Removes a container with its anonymous volumes (its execs end with it); gone already is fine. */
export async function removeContainer(docker: Docker, containerId: string): Promise<void> {
  await docker.getContainer(containerId).remove({ force: true, v: true }).catch(ignoreMissing);
}

export async function removeDebugImage(docker: Docker, imageId: string): Promise<void> {
  await docker.getImage(imageId).remove({ force: true, noprune: false }).catch(ignoreMissing);
}
