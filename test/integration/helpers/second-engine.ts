/**
 * A Docker engine of the test's own: a second dockerd with its own data root and socket, so a
 * test can count everything on it (every container, volume and image is this test's), stop it
 * mid-build and start it again, without disturbing the engine other tests use. It starts with
 * the test base image copied over from the main engine, and is removed with all its state.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { BASE_IMAGE } from '../engine-setup';
import { docker as mainEngine } from './engine';

export interface SecondEngine {
  /** `unix://…`: what DOCKER_HOST would say. */
  readonly host: string;
  readonly socketPath: string;
  readonly docker: Docker;
  /** Stops dockerd (SIGTERM: containers stop, the socket goes away); resolves once it has exited. */
  stop(): Promise<void>;
  /** Starts dockerd again on the same state; resolves once it answers. */
  start(): Promise<void>;
  /** Kills dockerd outright (SIGKILL, as a crash would): its containers' processes outlive it until destroy. */
  crash(): Promise<void>;
  /** Stops it and deletes its state. */
  destroy(): Promise<void>;
  /** The end of dockerd's log, for failure messages. */
  logTail(): string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a second dockerd under a fresh directory and loads the base image into it. */
export async function startSecondEngine(): Promise<SecondEngine> {
  // Short paths: a unix socket path may not exceed 107 bytes, and containerd nests its own.
  const root = await mkdtemp('/tmp/slipway-dd-');
  const socketPath = join(root, 'docker.sock');
  const logPath = join(root, 'dockerd.log');
  const docker = new Docker({ socketPath });
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    const log = openSync(logPath, 'a');
    // In a network namespace of its own: with `--bridge=none` dockerd deletes the host's
    // `docker0` at start, which would cut every container of the main engine off its network.
    child = spawn(
      'unshare',
      [
        '--net', '--', 'dockerd',
        '--data-root', join(root, 'data'),
        '--exec-root', join(root, 'exec'),
        '--pidfile', join(root, 'dockerd.pid'),
        '-H', `unix://${socketPath}`,
        // No bridge, no iptables: nothing shared with the main engine's networking.
        '--bridge=none', '--iptables=false', '--ip-masq=false',
      ],
      { stdio: ['ignore', log, log] },
    );
    closeSync(log);
    const proc = child;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`the second dockerd exited at start:\n${tail(logPath)}`);
      try {
        await docker.ping();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`the second dockerd did not answer within 60 s:\n${tail(logPath)}`);
        await sleep(200);
      }
    }
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
    if (!done) {
      proc.kill('SIGKILL');
      await exited;
    }
  };

  await start();
  const engine: SecondEngine = {
    host: `unix://${socketPath}`,
    socketPath,
    docker,
    stop,
    start,
    async crash() {
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGKILL');
      await exited;
      // Its containerd dies with it, but may linger unreaped (a zombie), and a restarted dockerd
      // that finds the pid in containerd.pid waits for it forever: a crashed engine's state.
      await rm(join(root, 'exec', 'containerd', 'containerd.pid'), { force: true });
    },
    async destroy() {
      await stop();
      // After a crash, containerd and the containers' shims are still running, and mounted.
      killProcessesUnder(root);
      unmountUnder(root);
      await rm(root, { recursive: true, force: true }).catch(() => {});
    },
    logTail: () => tail(logPath),
  };
  try {
    const image = (await mainEngine.getImage(BASE_IMAGE).get()) as unknown as Readable;
    const answer = (await docker.loadImage(image as unknown as NodeJS.ReadableStream, { quiet: true })) as unknown as Readable;
    for await (const chunk of answer) void chunk;
    await docker.getImage(BASE_IMAGE).inspect();
  } catch (err) {
    await engine.destroy();
    throw err;
  }
  return engine;
}

/** Processes of this engine only (containerd, shims): their command line names its directory. */
function killProcessesUnder(root: string): void {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmdline.includes(`${root}/`)) continue;
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/** Mounts left under the engine's directory (a crashed engine does not unmount), deepest first. */
function unmountUnder(root: string): void {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((point) => point === root || point.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) spawnSync('umount', ['-l', point]);
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Everything on an engine that is not the base image: what a test there may have leaked. */
export async function engineContents(docker: Docker): Promise<{ containers: string[]; volumes: string[]; images: string[] }> {
  const [containers, volumes, images] = await Promise.all([
    docker.listContainers({ all: true }),
    docker.listVolumes(),
    docker.listImages({ all: true }),
  ]);
  const base = (await docker.getImage(BASE_IMAGE).inspect()).Id;
  return {
    containers: containers.map((c) => `${c.Names.join(',')} (${c.State})`),
    volumes: (volumes.Volumes ?? []).map((v) => v.Name),
    images: images.filter((i) => i.Id !== base).map((i) => i.Id),
  };
}

/** The images a Slipway home's cache index points at (every engine's), from entries that parse. */
export async function cachedImages(home: string): Promise<Set<string>> {
  const ids = new Set<string>();
  const engines = join(home, 'engines');
  for (const file of await readdir(engines, { recursive: true }).catch(() => [] as string[])) {
    if (!file.includes('build-cache/') || !file.endsWith('.json')) continue;
    try {
      const entry = JSON.parse(await readFile(join(engines, file), 'utf8')) as { imageId?: unknown };
      if (typeof entry.imageId === 'string') ids.add(entry.imageId);
    } catch {
      // torn: points at nothing
    }
  }
  return ids;
}

/**
 * What builds left on an engine that nothing accounts for: every container and volume, and
 * every image but the base that no cache entry of the `homes` points at (and that `known`,
 * image ids or tags, does not name). A clean engine after a crash and the sweep has none: the
 * leak count is its length.
 */
export async function leaks(docker: Docker, homes: string | string[], known: string[] = []): Promise<string[]> {
  const contents = await engineContents(docker);
  const cached = new Set<string>();
  for (const home of typeof homes === 'string' ? [homes] : homes) for (const id of await cachedImages(home)) cached.add(id);
  const tagged = new Set<string>();
  for (const name of known) tagged.add((await docker.getImage(name).inspect()).Id);
  return [
    ...contents.containers.map((c) => `container ${c}`),
    ...contents.volumes.map((v) => `volume ${v}`),
    ...contents.images.filter((id) => !cached.has(id) && !tagged.has(id)).map((id) => `image ${id}`),
  ];
}
