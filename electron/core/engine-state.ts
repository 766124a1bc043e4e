/**
 * Where Slipway keeps one engine's state (its cache index and the config files of the images it
 * made): `$SLIPWAY_HOME/engines/<key>`, so two engines' images never share a cache. The key is
 * the engine's ID (`docker info`) with its root folder and the address Slipway reaches it at:
 * two engines on one host can report the same ID (dockerd 20.10 derives it from
 * /etc/docker/key.json), and Podman answers a new random ID on every call (so it is left out).
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { EngineInfo } from '../../shared/contract';
import { clientAddress } from '../docker/connect';
import { isPodman } from '../docker/podman';

/** `kind`: when the caller knows it already (else the engine is asked whether it is Podman). */
export async function engineStateDir(docker: Docker, home: string, kind?: EngineInfo['kind']): Promise<string> {
  kind ??= isPodman(await docker.version()) ? 'podman' : 'docker';
  const info = (await docker.info()) as { ID?: string; Name?: string; DockerRootDir?: string };
  const id = kind === 'podman' ? '' : (info.ID ?? '');
  const address = clientAddress(docker);
  const key = createHash('sha256').update(`${id}\n${info.DockerRootDir ?? ''}\n${address}`).digest('hex').slice(0, 16);
  const dir = join(home, 'engines', key);
  await mkdir(dir, { recursive: true });
  // For whoever looks into the home folder: which engine this is (no credentials: addresses carry none).
  const about = { id: id || null, name: info.Name ?? null, root: info.DockerRootDir ?? null, address, kind };
  await writeFile(join(dir, 'engine.json'), `${JSON.stringify(about, null, 2)}\n`);
  return dir;
}
