/**
 * The main engine reached over ssh://: an sshd of the test's own on 127.0.0.1:<free port> (host
 * key, authorized key, config and pidfile in a temp folder, keys only, no PAM), and a HOME whose
 * ~/.ssh holds the client key and, when asked, a known_hosts entry for the server. ssh:// runs
 * `docker system dial-stdio` on the server, which talks to the engine on its socket.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, stopProcess, waitFor } from './processes';
import { createConnection } from 'node:net';

const run = promisify(execFile);
export const SSHD_BINARY = '/usr/sbin/sshd';
/** sshd's privilege separation folder (the package's service creates it; a test may have to). */
const PRIVSEP_DIR = '/run/sshd';

export interface SshEngine {
  /** ssh://root@127.0.0.1:<port> */
  host: string;
  /** A HOME with .ssh/id_ed25519 (the authorized key) and no known_hosts yet. */
  home: string;
  /** Adds the server's host key to HOME's known_hosts. */
  trustHost(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSshEngine(): Promise<SshEngine> {
  if (!existsSync(SSHD_BINARY)) throw new Error(`${SSHD_BINARY} is missing: \`bash .ci/run\` installs openssh-server`);
  const root = await mkdtemp(join(tmpdir(), 'slipway-sshd-'));
  const home = join(root, 'home');
  let daemon: ChildProcess | undefined;
  let madePrivsep = false;
  const stop = async () => {
    await stopProcess(daemon, 10_000);
    if (madePrivsep) await rmdir(PRIVSEP_DIR).catch(() => {});
    await rm(root, { recursive: true, force: true });
  };
  try {
    await mkdir(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(root, 'host_key')]);
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(home, '.ssh', 'id_ed25519')]);
    await writeFile(join(root, 'authorized_keys'), await readFile(join(home, '.ssh', 'id_ed25519.pub')), { mode: 0o600 });
    const port = await freePort();
    const config = join(root, 'sshd_config');
    await writeFile(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(root, 'host_key')}`,
        `PidFile ${join(root, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(root, 'authorized_keys')}`,
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'StrictModes no',
        'UsePAM no',
        // The docker CLI of the distribution, which `docker system dial-stdio` runs.
        'SetEnv PATH=/usr/bin:/bin:/usr/sbin:/sbin',
        '',
      ].join('\n'),
    );
    if (!existsSync(PRIVSEP_DIR)) {
      await mkdir(PRIVSEP_DIR, { mode: 0o755 });
      madePrivsep = true;
    }
    const log = join(root, 'sshd.log');
    const out = openSync(log, 'w');
    daemon = spawn(SSHD_BINARY, ['-D', '-e', '-f', config], { stdio: ['ignore', out, out] });
    closeSync(out);
    const exited = new Promise<never>((_, reject) =>
      daemon!.once('exit', (code) => void readFile(log, 'utf8').catch(() => '').then((text) => reject(new Error(`sshd exited (${code}): ${text.slice(-2000)}`)))),
    );
    const listening = () =>
      new Promise<boolean>((resolve) => {
        const socket = createConnection({ host: '127.0.0.1', port }, () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      });
    await Promise.race([waitFor(listening, 20_000, 'sshd to listen'), exited]);
    const trustHost = async () => {
      const key = (await readFile(join(root, 'host_key.pub'), 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
      await writeFile(join(home, '.ssh', 'known_hosts'), `[127.0.0.1]:${port} ${key}\n`, { mode: 0o600 });
    };
    return { host: `ssh://root@127.0.0.1:${port}`, home, trustHost, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
