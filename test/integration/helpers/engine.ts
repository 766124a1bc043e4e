import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { BuildSession, type BuildRequest, type BuildResult } from '../../../electron/builder/session';
import type { BuildEvent } from '../../../shared/events';
import { createBuildEngine } from '../../../electron/core/build-engine';
import { OWNER_LABEL, processOwner } from '../../../electron/docker/containers';
import { connectEngine } from '../../../electron/docker/engine';

export const docker: Docker = connectEngine();
const run = promisify(execFile);

/** The engine's classic builder, the reference: `DOCKER_BUILDKIT=0 docker build -q`. */
export async function classicBuild(context: string, args: string[] = []): Promise<{ id?: string; error?: string }> {
  try {
    const { stdout } = await run('/usr/bin/docker', ['build', '-q', '--force-rm', ...args, context], {
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { id: stdout.trim().split('\n').at(-1) };
  } catch (err) {
    return { error: (err as { stderr?: string }).stderr ?? String(err) };
  }
}

/** A Slipway build with its own state directory, so tests never share a cache by accident. */
export async function slipwayBuild(request: Partial<BuildRequest> & { context: string }, home?: string): Promise<BuildResult & { events: BuildEvent[] }> {
  const engine = await createBuildEngine(docker, home ?? (await mkdtemp(join(tmpdir(), 'slipway-home-'))));
  const session = new BuildSession(engine, {
    dockerfile: join(request.context, 'Dockerfile'),
    tags: [],
    buildArgs: {},
    labels: {},
    noCache: false,
    remove: true,
    forceRemove: false,
    keepFailed: false,
    concurrency: 4,
    ...request,
  });
  const events: BuildEvent[] = [];
  session.onEvent((e) => events.push(e));
  const result = await session.run();
  return { ...result, events };
}

/** Containers this test process's builds left behind (by Slipway's labels; other processes' builds may be running). */
export async function leftovers(): Promise<string[]> {
  const containers = await docker.listContainers({ all: true, filters: { label: ['dev.slipway.build', `${OWNER_LABEL}=${processOwner()}`] } });
  return containers.map((c) => c.Names.join(','));
}
