/**
 * A local registry for pull tests: Debian's docker-registry (distribution) on 127.0.0.1:<free
 * port>, storage in a temp folder, optionally behind htpasswd (bcrypt) auth. The engine treats
 * 127.0.0.0/8 registries as insecure by default, so plain HTTP is fine.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, stopProcess, waitFor } from './processes';

const run = promisify(execFile);
export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface Registry {
  /** host:port, the registry part of image names. */
  address: string;
  stop(): Promise<void>;
}

export async function startRegistry(auth?: { user: string; password: string }): Promise<Registry> {
  const root = await mkdtemp(join(tmpdir(), 'slipway-registry-'));
  let daemon: ChildProcess | undefined;
  const stop = async () => {
    await stopProcess(daemon, 10_000);
    await rm(root, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    let authBlock = '';
    if (auth) {
      // bcrypt, as the registry requires (htpasswd -B).
      const { stdout } = await run('htpasswd', ['-Bbn', auth.user, auth.password]);
      await writeFile(join(root, 'htpasswd'), stdout);
      authBlock = `auth:\n  htpasswd:\n    realm: slipway-test\n    path: ${join(root, 'htpasswd')}\n`;
    }
    const config = join(root, 'config.yml');
    await writeFile(
      config,
      `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(root, 'data')}\nhttp:\n  addr: ${address}\n${authBlock}`,
    );
    const log = join(root, 'registry.log');
    const out = openSync(log, 'w');
    daemon = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', out, out] });
    closeSync(out);
    const exited = new Promise<never>((_, reject) =>
      daemon!.once('exit', (code) => void readFile(log, 'utf8').catch(() => '').then((text) => reject(new Error(`docker-registry exited (${code}): ${text.slice(-2000)}`)))),
    );
    // 200 open, 401 behind auth: either way it answers.
    await Promise.race([waitFor(async () => [200, 401].includes((await fetch(`http://${address}/v2/`)).status), 30_000, 'the registry to answer'), exited]);
    return { address, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
