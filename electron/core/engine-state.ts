/**
 * Where Slipway keeps one engine's state (its cache index and the config files of the images it
 * made): `$SLIPWAY_HOME/engines/<key>`, so two engines' images never share a cache. The key is
 * the engine's ID (`docker info`) with the address Slipway reaches it at: two engines on one
 * host can report the same ID (dockerd 20.10 derives it from /etc/docker/key.json).
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { clientAddress } from '../docker/connect';

export async function engineStateDir(docker: Docker, home: string): Promise<string> {
  const info = (await docker.info()) as { ID?: string; Name?: string };
  const address = clientAddress(docker);
  const key = createHash('sha256').update(`${info.ID ?? ''}\n${address}`).digest('hex').slice(0, 16);
  const dir = join(home, 'engines', key);
  await mkdir(dir, { recursive: true });
  // For whoever looks into the home folder: which engine this is (no credentials: addresses carry none).
  await writeFile(join(dir, 'engine.json'), `${JSON.stringify({ id: info.ID ?? null, name: info.Name ?? null, address }, null, 2)}\n`);
  return dir;
}
