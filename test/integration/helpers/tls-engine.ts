/**
 * A second Docker engine for tests: its own dockerd on 127.0.0.1:<free port> with TLS (a CA,
 * server and client certificates made here with openssl), its own data root, exec root and
 * pidfile, its own bridge and no iptables, so it lives beside the main engine without touching
 * it. (Not `--bridge=none`: a dockerd started so deletes the host's docker0, the main engine's.)
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { freePort, stopProcess, unmountUnder, waitFor } from './processes';

const run = promisify(execFile);

export interface TlsEngine {
  host: string;
  /** ca.pem, cert.pem, key.pem for a client (DOCKER_CERT_PATH). */
  certDir: string;
  /** The same layout, signed by a CA the engine does not trust. */
  wrongCertDir: string;
  /** DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH for this engine. */
  env: Record<string, string>;
  docker: Docker;
  stop(): Promise<void>;
}

async function openssl(cwd: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd });
}

/** A CA, and a certificate it signs (`ext`: the extensions, e.g. the server's IP SAN). */
async function makeCa(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=slipway-test-ca']);
}

async function signed(caDir: string, outDir: string, name: string, subject: string, ext: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, `${name}.ext`), ext);
  await openssl(outDir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', subject]);
  await openssl(outDir, [
    'x509', '-req', '-in', `${name}.csr`, '-CA', join(caDir, 'ca.pem'), '-CAkey', join(caDir, 'ca-key.pem'), '-CAcreateserial',
    '-out', `${name}-cert.pem`, '-days', '2', '-extfile', `${name}.ext`,
  ]);
}

/** A client's DOCKER_CERT_PATH: ca.pem (the CA to trust), cert.pem and key.pem (signed by `caDir`'s CA). */
async function clientDir(caDir: string, trustDir: string, out: string): Promise<void> {
  await signed(caDir, out, 'client', '/CN=slipway-test-client', 'extendedKeyUsage=clientAuth\n');
  await writeFile(join(out, 'ca.pem'), await readFile(join(trustDir, 'ca.pem')));
  await writeFile(join(out, 'cert.pem'), await readFile(join(out, 'client-cert.pem')));
  await writeFile(join(out, 'key.pem'), await readFile(join(out, 'client-key.pem')));
}

/** A bridge for the engine's containers, on a 10.213.x.0/24 subnet no route uses yet. */
async function makeBridge(name: string): Promise<void> {
  const routes = (await run('ip', ['-4', 'route'])).stdout;
  const free = Array.from({ length: 256 }, (_, i) => i).filter((i) => !routes.includes(`10.213.${i}.`));
  const subnet = free[Math.floor(Math.random() * free.length)];
  if (subnet === undefined) throw new Error('no free 10.213.x.0/24 subnet for the test engine\'s bridge');
  await run('ip', ['link', 'add', name, 'type', 'bridge']);
  await run('ip', ['addr', 'add', `10.213.${subnet}.1/24`, 'dev', name]);
  await run('ip', ['link', 'set', name, 'up']);
}

export async function startTlsEngine(): Promise<TlsEngine> {
  const root = await mkdtemp(join(tmpdir(), 'slipway-tls-engine-'));
  let daemon: ChildProcess | undefined;
  let bridge: string | undefined;
  const stop = async () => {
    await stopProcess(daemon, 30_000);
    if (bridge) await run('ip', ['link', 'delete', bridge]).catch(() => {});
    await unmountUnder(root);
    await rm(root, { recursive: true, force: true });
  };
  try {
    const ca = join(root, 'ca');
    const other = join(root, 'other-ca');
    await makeCa(ca);
    await makeCa(other);
    await signed(ca, join(root, 'server'), 'server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    const certDir = join(root, 'client');
    const wrongCertDir = join(root, 'wrong-client');
    await clientDir(ca, ca, certDir);
    // Trusts another CA: the engine's certificate does not verify.
    await clientDir(ca, other, wrongCertDir);

    const port = await freePort();
    const host = `tcp://127.0.0.1:${port}`;
    bridge = `slwtls${port}`;
    await makeBridge(bridge);
    const log = join(root, 'dockerd.log');
    const server = join(root, 'server');
    await writeFile(join(root, 'daemon.json'), '{}\n');
    const out = openSync(log, 'w');
    daemon = spawn(
      'dockerd',
      [
        '--data-root', join(root, 'data'),
        '--exec-root', join(root, 'exec'),
        '--pidfile', join(root, 'dockerd.pid'),
        '-H', host,
        '--tlsverify', '--tlscacert', join(ca, 'ca.pem'), '--tlscert', join(server, 'server-cert.pem'), '--tlskey', join(server, 'server-key.pem'),
        `--bridge=${bridge}`, '--iptables=false', '--ip-masq=false',
        // Its own daemon.json (none): the host's must not reconfigure this engine.
        '--config-file', join(root, 'daemon.json'),
      ],
      { stdio: ['ignore', out, out] },
    );
    closeSync(out);
    const env = { DOCKER_HOST: host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certDir };
    const docker = new Docker({
      host: '127.0.0.1',
      port,
      protocol: 'https',
      ca: await readFile(join(certDir, 'ca.pem')),
      cert: await readFile(join(certDir, 'cert.pem')),
      key: await readFile(join(certDir, 'key.pem')),
    });
    const exited = new Promise<never>((_, reject) => daemon!.once('exit', (code) => void readFile(log, 'utf8').catch(() => '').then((text) => reject(new Error(`dockerd exited (${code}): ${text.slice(-2000)}`)))));
    await Promise.race([waitFor(() => docker.version().then(() => true), 60_000, 'the TLS dockerd to answer'), exited]);
    return { host, certDir, wrongCertDir, env, docker, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
