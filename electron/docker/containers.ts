import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { PassThrough, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { ContainerOutput, ContainerSpec, ExecBackend, PathChange, PathStat, Shell } from '../builder/backend';
import { openShell } from './shells';

/** Every container Slipway creates is named `slipway-<build>-<step>-<random>` and labelled with both. */
export const CONTAINER_PREFIX = 'slipway-';
export const BUILD_LABEL = 'dev.slipway.build';
export const STEP_LABEL = 'dev.slipway.step';
/** `host/pid` of the process that made the container: the start-up sweep's liveness test. */
export const OWNER_LABEL = 'dev.slipway.owner';
export const processOwner = (): string => `${hostname()}/${process.pid}`;

export function containerName(buildId: string, stepId: string): string {
  const step = stepId.replace(/[^a-zA-Z0-9_.-]/g, '_');
  return `${CONTAINER_PREFIX}${buildId}-${step}-${randomBytes(3).toString('hex')}`;
}

/** The Engine API's change kinds: 0 modified, 1 added, 2 deleted. */
const CHANGE_KINDS: readonly PathChange['kind'][] = ['modified', 'added', 'deleted'];

/** What a container changed against its image (the engine's diff), in the engine's order. */
export async function containerChanges(docker: Docker, id: string): Promise<PathChange[]> {
  const answer = (await docker.getContainer(id).changes()) as unknown;
  // No changes come back as the JSON text `null`, which dockerode hands over as raw bytes.
  const parsed = Buffer.isBuffer(answer) ? (JSON.parse(answer.toString('utf8')) as unknown) : answer;
  const list = (parsed ?? []) as { Path: string; Kind: number }[];
  return list.map((c) => ({ path: c.Path, kind: CHANGE_KINDS[c.Kind] ?? 'modified' }));
}

const statusOf = (err: unknown) => (err as { statusCode?: number }).statusCode;
const ignoreStatus = (...codes: number[]) => (err: unknown) => {
  if (!codes.includes(statusOf(err) ?? 0)) throw err;
};

/** Containers through the Engine API, for RUN steps and as staging for COPY/ADD and metadata. */
export class DockerContainers implements ExecBackend {
  constructor(private readonly docker: Docker) {}

  async createContainer(spec: ContainerSpec): Promise<string> {
    // The engine's commit merges these labels into the image; the image backend writes the
    // step's exact config whenever a commit differs from it, so they never reach an image.
    const container = await this.docker.createContainer({
      ...spec.config,
      Labels: { ...(spec.config.Labels ?? {}), [BUILD_LABEL]: spec.owner.buildId, [STEP_LABEL]: spec.owner.stepId, [OWNER_LABEL]: processOwner() },
      Image: spec.image,
      name: containerName(spec.owner.buildId, spec.owner.stepId),
      HostConfig: { LogConfig: { Type: 'none', Config: {} }, ...spec.host },
    } as Docker.ContainerCreateOptions);
    return container.id;
  }

  async attach(id: string, output: ContainerOutput): Promise<{ ended: Promise<void> }> {
    const stream = (await this.docker.getContainer(id).attach({ stream: true, stdout: true, stderr: true })) as unknown as Readable;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', output.stdout);
    stderr.on('data', output.stderr);
    this.docker.modem.demuxStream(stream, stdout, stderr);
    const ended = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    return { ended };
  }

  async start(id: string): Promise<void> {
    await this.docker.getContainer(id).start();
  }

  async wait(id: string): Promise<number> {
    const result = (await this.docker.getContainer(id).wait()) as { StatusCode: number };
    return result.StatusCode;
  }

  async kill(id: string): Promise<void> {
    await this.docker.getContainer(id).kill().catch(ignoreStatus(404, 409));
  }

  async remove(id: string): Promise<void> {
    await this.docker.getContainer(id).remove({ force: true, v: true }).catch(ignoreStatus(404, 409));
  }

  async putArchive(id: string, path: string, tar: Readable): Promise<void> {
    await this.docker.getContainer(id).putArchive(tar, { path });
  }

  async getArchive(id: string, path: string): Promise<Readable> {
    return (await this.docker.getContainer(id).getArchive({ path })) as unknown as Readable;
  }

  async statPath(id: string, path: string): Promise<PathStat | undefined> {
    try {
      const res = (await this.docker.getContainer(id).infoArchive({ path })) as { headers: Record<string, string>; resume?: () => void };
      res.resume?.();
      const header = res.headers['x-docker-container-path-stat'];
      if (!header) return undefined;
      const stat = JSON.parse(Buffer.from(header, 'base64').toString()) as { name: string; size: number; mode: number; linkTarget: string };
      // Go's os.FileMode: the directory bit is 1 << 31.
      return { ...stat, isDirectory: (stat.mode & 0x80000000) !== 0 };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  changes(id: string): Promise<PathChange[]> {
    return containerChanges(this.docker, id);
  }

  openShell(id: string, size: { cols: number; rows: number }): Promise<Shell> {
    return openShell(this.docker, id, size);
  }
}
