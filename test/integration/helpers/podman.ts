/**
 * Podman's Docker-compatible API for tests: `podman system service` on a socket in a temp folder,
 * with its own storage root and run root (vfs: works on any filesystem), cgroupfs (no systemd),
 * and file events. containers.conf sets ulimits a sandbox without CAP_SYS_RESOURCE can grant
 * (Podman otherwise raises RLIMIT_NOFILE/NPROC above the hard limit and runc fails).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { stopProcess, unmountUnder, waitFor } from './processes';

const run = promisify(execFile);
export const PODMAN_BINARY = '/usr/bin/podman';
const GLOBAL_STATE = ['/var/lib/containers', '/run/containers'];

export interface PodmanService {
  host: string;
  docker: Docker;
  /** `podman` with this service's storage, for setup. */
  podman(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startPodman(): Promise<PodmanService> {
  if (!existsSync(PODMAN_BINARY)) throw new Error(`${PODMAN_BINARY} is missing: \`bash .ci/run\` installs podman (apt-get install -y podman)`);
  const root = await mkdtemp(join(tmpdir(), 'slipway-podman-'));
  const socket = join(root, 'podman.sock');
  const conf = join(root, 'containers.conf');
  const env = { ...process.env, CONTAINERS_CONF: conf };
  const global = ['--root', join(root, 'storage'), '--runroot', join(root, 'run'), '--storage-driver', 'vfs', '--cgroup-manager', 'cgroupfs', '--events-backend', 'file', '--tmpdir', join(root, 'tmp'), '--network-config-dir', join(root, 'networks'), '--volumepath', join(root, 'volumes')];
  let service: ChildProcess | undefined;
  // Podman keeps a blob cache and its network address book outside --root/--runroot; where this
  // test is the first Podman user of the machine, they go with it.
  const globalState = GLOBAL_STATE.filter((dir) => !existsSync(dir));
  const stop = async () => {
    await stopProcess(service, 15_000);
    await unmountUnder(root);
    await rm(root, { recursive: true, force: true });
    for (const dir of globalState) await rm(dir, { recursive: true, force: true });
  };
  try {
    await writeFile(conf, '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n');
    const log = join(root, 'service.log');
    const out = openSync(log, 'w');
    service = spawn(PODMAN_BINARY, [...global, 'system', 'service', '--time=0', `unix://${socket}`], { env, stdio: ['ignore', out, out] });
    closeSync(out);
    const docker = new Docker({ socketPath: socket });
    const exited = new Promise<never>((_, reject) =>
      service!.once('exit', (code) => void readFile(log, 'utf8').catch(() => '').then((text) => reject(new Error(`podman system service exited (${code}): ${text.slice(-2000)}`)))),
    );
    await Promise.race([waitFor(() => docker.ping().then(() => true), 30_000, 'podman system service to answer'), exited]);
    const podman = async (args: string[]) => (await run(PODMAN_BINARY, [...global, ...args], { env, maxBuffer: 16 * 1024 * 1024 })).stdout;
    return { host: `unix://${socket}`, docker, podman, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
