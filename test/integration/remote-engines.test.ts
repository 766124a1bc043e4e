/**
 * Engines other than the local socket, all on this machine: a second dockerd over TLS on
 * 127.0.0.1 (DOCKER_HOST + DOCKER_CERT_PATH, and a docker context), local registries for FROM
 * pulls (one open, one behind htpasswd auth, credentials from ~/.docker/config.json or a
 * credential helper), and Podman's Docker-compatible API. Every daemon a test starts is stopped
 * and its folders removed in afterAll, whatever happened.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/app-core';
import { engineInfo } from '../../electron/docker/engine';
import type { BuildSummary, RequestOf } from '../../shared/contract';
import type { BuildEvent } from '../../shared/events';
import { BASE_IMAGE } from './engine-setup';
import { docker } from './helpers/engine';
import { startPodman, type PodmanService } from './helpers/podman';
import { startRegistry, type Registry } from './helpers/registry';
import { startSshEngine, type SshEngine } from './helpers/ssh-engine';
import { startTlsEngine, type TlsEngine } from './helpers/tls-engine';
import { buildThroughCore, call, madeImages, ok } from './helpers/core-calls';
import { withEnv } from './helpers/env';

const exec = promisify(execFile);
const CLI = resolve(import.meta.dirname, '../../bin/slipway.mjs');
const DOCKER = '/usr/bin/docker';

const dirs: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
/** Images builds made (on whichever engine): removed from the main engine at the end (other engines go whole). */
const made = new Set<string>();
afterAll(async () => {
  for (const id of made) await docker.getImage(id).remove({ force: true }).catch(() => {});
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** This process's environment without any engine or docker-config setting: each test says its own. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(DOCKER_|SSH_AUTH_SOCK$)/.test(k)) env[k] = v;
  return { ...env, SLIPWAY_FROM_SOURCE: '1', ...extra };
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}
/** `slipway …` as a user runs it; never throws (the exit status is the result). */
async function slipway(args: string[], env: Record<string, string>): Promise<CliResult> {
  try {
    const { stdout, stderr } = await exec('node', [CLI, ...args], { env: cleanEnv(env), maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  } finally {
    if (env.SLIPWAY_HOME) await noteImagesOf(env.SLIPWAY_HOME);
  }
}

/** The images a Slipway home made, every step's (its config store keeps one file per image), but the base image. */
async function noteImagesOf(home: string): Promise<void> {
  const base = (await docker.getImage(BASE_IMAGE).inspect()).Id;
  const engines = join(home, 'engines');
  for (const engine of await readdir(engines).catch(() => [])) {
    for (const file of await readdir(join(engines, engine, 'image-configs')).catch(() => [])) {
      const id = `sha256:${file.replace(/\.json$/, '')}`;
      if (/^sha256:[0-9a-f]{64}$/.test(id) && id !== base) made.add(id);
    }
  }
}

async function dockerCli(args: string[], env: Record<string, string>, input?: string): Promise<string> {
  const child = exec(DOCKER, args, { env: cleanEnv(env) });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  return (await child).stdout;
}

async function context(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('slipway-remote-ctx-');
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

/** Copies the test base image from the main engine into another one (`docker save | docker load`). */
async function copyBaseImage(to: Docker): Promise<void> {
  const saved = await docker.getImage(BASE_IMAGE).get();
  const answer = await to.loadImage(saved as NodeJS.ReadableStream);
  for await (const _ of answer as AsyncIterable<unknown>) {
    // the load's progress
  }
}

const exists = (on: Docker, ref: string) =>
  on
    .getImage(ref)
    .inspect()
    .then(() => true)
    .catch((err: { statusCode?: number }) => {
      if (err.statusCode === 404) return false;
      throw err;
    });

/** A build through the app's core; its images are removed at the end. */
async function coreBuild(core: Core, request: RequestOf<'slipway:build:start'>): Promise<{ summary: BuildSummary; events: BuildEvent[] }> {
  const built = await buildThroughCore(core, request);
  for (const id of madeImages(built.events)) made.add(id);
  return built;
}

/** Every file below `dir`, read as text. */
async function allText(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) parts.push(await readFile(join(entry.parentPath, entry.name), 'utf8'));
  }
  return parts.join('\n');
}

const DOCKERFILE = 'FROM local/busybox:latest\nRUN echo "built remotely" > /hello\nLABEL dev.slipway.test=remote\n';

describe('a second dockerd over TLS', () => {
  let engine: TlsEngine;
  const mainImages = new Set<string>();

  beforeAll(async () => {
    engine = await startTlsEngine();
    await copyBaseImage(engine.docker);
  });
  afterAll(async () => {
    await engine?.stop();
    for (const ref of mainImages) await docker.getImage(ref).remove({ force: true }).catch(() => {});
  });

  const readHello = async (image: string) => (await dockerCli(['run', '--rm', image, 'cat', '/hello'], engine.env)).trim();

  it('builds with DOCKER_HOST=tcp:// and DOCKER_TLS_VERIFY/DOCKER_CERT_PATH, on that engine only', async () => {
    const ctx = await context({ Dockerfile: DOCKERFILE });
    const home = await tempDir('slipway-remote-home-');
    const result = await slipway(['build', '-q', '-t', 'slipway-remote/tls:env', ctx], { ...engine.env, HOME: home, SLIPWAY_HOME: join(home, 'slipway') });
    expect(result.stderr).toBe('');
    const id = result.stdout.trim();
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await engine.docker.getImage('slipway-remote/tls:env').inspect()).Id).toBe(id);
    expect(await readHello('slipway-remote/tls:env')).toBe('built remotely');
    expect(await exists(docker, id)).toBe(false);
    expect(await exists(docker, 'slipway-remote/tls:env')).toBe(false);
  });

  it('builds through a docker context, by --context and as the current context; ~/.docker stays the test\'s', async () => {
    const home = await tempDir('slipway-remote-home-');
    const certs = engine.certDir;
    await dockerCli(['context', 'create', 'slipway-tls', '--docker', `host=${engine.host},ca=${certs}/ca.pem,cert=${certs}/cert.pem,key=${certs}/key.pem`], { HOME: home });
    const ctx = await context({ Dockerfile: DOCKERFILE });

    const byFlag = await slipway(['--context', 'slipway-tls', 'build', '-q', '-t', 'slipway-remote/tls:flag', ctx], { HOME: home, SLIPWAY_HOME: join(home, 'a') });
    expect(byFlag.stderr).toBe('');
    expect((await engine.docker.getImage('slipway-remote/tls:flag').inspect()).Id).toBe(byFlag.stdout.trim());

    await dockerCli(['context', 'use', 'slipway-tls'], { HOME: home });
    const current = await slipway(['build', '-q', '-t', 'slipway-remote/tls:current', ctx], { HOME: home, SLIPWAY_HOME: join(home, 'b') });
    expect(current.stderr).toBe('');
    expect(await exists(engine.docker, 'slipway-remote/tls:current')).toBe(true);
    expect(await exists(docker, 'slipway-remote/tls:current')).toBe(false);

    const unknown = await slipway(['build', '--context', 'nowhere', ctx], { HOME: home });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/context "nowhere" does not exist/);
  });

  it('in the app: lists the contexts, builds on the one a build names, and keeps one cache per engine', async () => {
    const home = await tempDir('slipway-remote-home-');
    const certs = engine.certDir;
    await dockerCli(['context', 'create', 'slipway-tls', '--docker', `host=${engine.host},ca=${certs}/ca.pem,cert=${certs}/cert.pem,key=${certs}/key.pem`], { HOME: home });
    const restore = withEnv({ DOCKER_CONFIG: join(home, '.docker'), DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined });
    const slipwayHome = join(home, 'slipway');
    const core = createCore(docker, slipwayHome);
    try {
      const contexts = await ok(core, 'slipway:engine:contexts');
      expect(contexts).toEqual([
        expect.objectContaining({ name: 'default', current: true }),
        expect.objectContaining({ name: 'slipway-tls', host: engine.host, current: false }),
      ]);
      expect((await ok(core, 'slipway:engine:info', { engine: 'slipway-tls' })).version).toMatch(/^\d+\./);
      const missing = await call(core, 'slipway:engine:info', { engine: 'nowhere' });
      expect(missing).toMatchObject({ ok: false, error: { code: 'ENGINE_UNAVAILABLE' } });

      const ctx = await context({ Dockerfile: DOCKERFILE });
      const request = { context: ctx, dockerfile: 'Dockerfile', buildArgs: {}, noCache: false };
      const remote = await coreBuild(core, { ...request, tags: ['slipway-remote/tls:app'], engine: 'slipway-tls' });
      expect(remote.summary.status).toBe('succeeded');
      expect(await readHello('slipway-remote/tls:app')).toBe('built remotely');
      expect(await exists(docker, 'slipway-remote/tls:app')).toBe(false);

      // The same Dockerfile on the main engine: nothing of the remote build's cache may be used.
      const local = await coreBuild(core, { ...request, tags: ['slipway-remote/tls:app-local'] });
      mainImages.add('slipway-remote/tls:app-local');
      expect(local.summary.status).toBe('succeeded');
      expect(local.events.some((e) => e.type === 'step-cache' && e.decision.hit)).toBe(false);
      expect(await exists(docker, 'slipway-remote/tls:app-local')).toBe(true);
      expect(await exists(engine.docker, 'slipway-remote/tls:app-local')).toBe(false);

      const engines = await readdir(join(slipwayHome, 'engines'));
      expect(engines).toHaveLength(2);
      const addresses = await Promise.all(engines.map(async (d) => (JSON.parse(await readFile(join(slipwayHome, 'engines', d, 'engine.json'), 'utf8')) as { address: string }).address));
      expect(addresses.sort()).toEqual([engine.host, 'unix:///var/run/docker.sock'].sort());
    } finally {
      await core.shutdown();
      restore();
    }
  });

  it('says the TLS check failed when the CA is not the engine\'s, and when TLS is off', async () => {
    const ctx = await context({ Dockerfile: DOCKERFILE });
    const home = await tempDir('slipway-remote-home-');
    const wrongCa = await slipway(['build', ctx], { ...engine.env, DOCKER_CERT_PATH: engine.wrongCertDir, HOME: home, SLIPWAY_HOME: home });
    expect(wrongCa.code).toBe(1);
    expect(wrongCa.stderr).toMatch(new RegExp(`TLS handshake with the Docker engine at ${engine.host} failed \\(.*certificate`));
    const noTls = await slipway(['build', ctx], { DOCKER_HOST: engine.host, HOME: home, SLIPWAY_HOME: home });
    expect(noTls.code).toBe(1);
    expect(noTls.stderr).toMatch(/speaks TLS, but Slipway connected without it: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH/);
  });
});

describe('an engine over ssh://', () => {
  let ssh: SshEngine;
  const made: string[] = [];

  beforeAll(async () => {
    ssh = await startSshEngine();
  });
  afterAll(async () => {
    await ssh?.stop();
    for (const ref of made) await docker.getImage(ref).remove({ force: true }).catch(() => {});
  });

  it('refuses a host whose key known_hosts does not list, then builds once it does', async () => {
    const ctx = await context({ Dockerfile: DOCKERFILE });
    const env = { DOCKER_HOST: ssh.host, HOME: ssh.home, SLIPWAY_HOME: join(ssh.home, 'slipway') };
    const unknown = await slipway(['build', ctx], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/The ssh host key of ssh:\/\/127\.0\.0\.1:\d+ is not one ~\/\.ssh\/known_hosts lists for it/);

    await ssh.trustHost();
    const result = await slipway(['build', '-q', '-t', 'slipway-remote/ssh:1', ctx], env);
    made.push('slipway-remote/ssh:1');
    expect(result.stderr).toBe('');
    // The server's docker talks to the main engine: the image is there.
    expect((await docker.getImage('slipway-remote/ssh:1').inspect()).Id).toBe(result.stdout.trim());
  });
});

describe('FROM images from a local registry', () => {
  const user = 'slipway-user';
  const password = 'pw-Zq8-never-logged';
  let open: Registry;
  let secured: Registry;
  /** A HOME whose ~/.docker/config.json holds `docker login`'s credentials for the secured registry. */
  let loggedIn: string;

  const imageIn = (registry: Registry) => `${registry.address}/test/busybox:1`;
  const forget = (ref: string) => docker.getImage(ref).remove().catch(() => {});

  beforeAll(async () => {
    [open, secured] = await Promise.all([startRegistry(), startRegistry({ user, password })]);
    loggedIn = await tempDir('slipway-registry-home-');
    const config = { HOME: loggedIn };
    await dockerCli(['login', '--username', user, '--password-stdin', secured.address], config, password);
    for (const registry of [open, secured]) {
      await docker.getImage(BASE_IMAGE).tag({ repo: `${registry.address}/test/busybox`, tag: '1' });
      await dockerCli(['push', imageIn(registry)], config);
      // Only the registry has it under this name now: a build must pull it.
      await forget(imageIn(registry));
    }
  });
  afterAll(async () => {
    for (const registry of [open, secured]) if (registry) await forget(imageIn(registry));
    await Promise.all([open?.stop(), secured?.stop()]);
  });

  it('pulls from a registry without auth', async () => {
    const ctx = await context({ Dockerfile: `FROM ${imageIn(open)}\nRUN echo pulled > /pulled\n` });
    const home = await tempDir('slipway-registry-home-');
    const result = await slipway(['build', '--progress', 'plain', ctx], { HOME: home, SLIPWAY_HOME: home });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Pulling ${imageIn(open)}`);
    expect(await exists(docker, imageIn(open))).toBe(true);
    await forget(imageIn(open));
  });

  it('pulls from a registry that requires auth with the login from ~/.docker/config.json; the credentials are nowhere in Slipway\'s files or events', async () => {
    const ref = imageIn(secured);
    const ctx = await context({ Dockerfile: `FROM ${ref}\nRUN echo pulled-with-auth > /pulled\n` });
    const slipwayHome = await tempDir('slipway-registry-state-');
    const restore = withEnv({ DOCKER_CONFIG: undefined, HOME: loggedIn });
    const core = createCore(docker, slipwayHome);
    try {
      const { summary, events } = await coreBuild(core, { context: ctx, dockerfile: 'Dockerfile', buildArgs: {}, tags: [], noCache: true });
      expect(summary.status).toBe('succeeded');
      expect(await exists(docker, ref)).toBe(true);
      const secrets = [password, Buffer.from(`${user}:${password}`).toString('base64')];
      const eventText = JSON.stringify(events);
      const files = await allText(slipwayHome);
      expect(files.length).toBeGreaterThan(0);
      for (const secret of secrets) {
        expect(eventText).not.toContain(secret);
        expect(files).not.toContain(secret);
      }
    } finally {
      await core.shutdown();
      restore();
      await forget(ref);
    }
  });

  it('without credentials, fails saying authentication is required (and names no secret)', async () => {
    const ctx = await context({ Dockerfile: `FROM ${imageIn(secured)}\n` });
    const home = await tempDir('slipway-registry-home-');
    const result = await slipway(['build', ctx], { HOME: home, SLIPWAY_HOME: home });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`pull access denied or image not found: ${imageIn(secured)}: .*(no basic auth credentials|authentication required|unauthorized)`, 'i'));
    expect(result.stderr + result.stdout).not.toContain(password);
  });

  it('asks a credential helper (credsStore), and says clearly when the helper is missing', async () => {
    const ref = imageIn(secured);
    const ctx = await context({ Dockerfile: `FROM ${ref}\n` });
    const home = await tempDir('slipway-registry-home-');
    const bin = join(home, 'bin');
    await mkdir(join(home, '.docker'), { recursive: true });
    await mkdir(bin);
    const helper = join(bin, 'docker-credential-slipwaytest');
    await writeFile(
      helper,
      `#!/bin/sh\nread url\nif [ "$1" = get ] && [ "$url" = "${secured.address}" ]; then printf '{"ServerURL":"%s","Username":"${user}","Secret":"${password}"}' "$url"; else echo "credentials not found in native keychain"; exit 1; fi\n`,
    );
    await chmod(helper, 0o755);
    await writeFile(join(home, '.docker', 'config.json'), JSON.stringify({ credsStore: 'slipwaytest' }));
    const withHelper = await slipway(['build', '-q', ctx], { HOME: home, SLIPWAY_HOME: join(home, 's'), PATH: `${bin}:${process.env.PATH}` });
    expect(withHelper.stderr).toBe('');
    expect(withHelper.code).toBe(0);
    await forget(ref);

    await writeFile(join(home, '.docker', 'config.json'), JSON.stringify({ credHelpers: { [secured.address]: 'absent' } }));
    const missing = await slipway(['build', ctx], { HOME: home, SLIPWAY_HOME: join(home, 's') });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/docker-credential-absent is not installed/);
  });
});

describe('Podman\'s Docker-compatible API', () => {
  let podman: PodmanService;
  const classic: string[] = [];

  beforeAll(async () => {
    podman = await startPodman();
    await copyBaseImage(podman.docker);
  });
  afterAll(async () => {
    await podman?.stop();
    for (const id of classic) await docker.getImage(id).remove({ force: true }).catch(() => {});
  });

  it('is recognised as Podman', async () => {
    expect(await engineInfo(podman.docker)).toMatchObject({ kind: 'podman' });
  });

  it('builds RUN, COPY, WORKDIR and metadata steps (the image config matches the classic builder\'s), then hits the cache', async () => {
    const ctx = await context({
      Dockerfile:
        'FROM local/busybox:latest\nENV GREETING=hello\nWORKDIR /app\nCOPY note.txt ./\nRUN echo "$GREETING from podman" > made.txt\nLABEL dev.slipway.test=podman\nCMD ["cat", "/app/made.txt"]\n',
      'note.txt': 'copied\n',
    });
    const home = await tempDir('slipway-podman-home-');
    const env = { DOCKER_HOST: podman.host, HOME: home, SLIPWAY_HOME: home };
    const result = await slipway(['build', '-q', '-t', 'slipway-remote/podman:1', ctx], env);
    expect(result.stderr).toBe('');
    const id = result.stdout.trim();
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);

    const made = await podman.docker.getImage(id).inspect();
    expect(await exists(docker, id)).toBe(false);
    expect((await podman.podman(['run', '--rm', id, 'cat', '/app/note.txt', '/app/made.txt'])).trim()).toBe('copied\nhello from podman');

    const { stdout } = await exec(DOCKER, ['build', '-q', ctx], { env: { ...process.env, DOCKER_BUILDKIT: '0' } });
    const reference = await docker.getImage(stdout.trim()).inspect();
    classic.push(reference.Id);
    for (const field of ['Env', 'Cmd', 'WorkingDir', 'Labels', 'Entrypoint'] as const) expect(made.Config[field], field).toEqual(reference.Config[field]);

    const again = await slipway(['build', '--progress', 'plain', ctx], env);
    expect(again.code).toBe(0);
    expect(again.stdout.match(/Using cache/g)?.length).toBe(6);
  });

  it('runs RUN --mount (a cache at a new path, a secret): the mount points leave no trace in the image', async () => {
    const ctx = await context({
      Dockerfile: 'FROM local/busybox:latest\nRUN --mount=type=cache,target=/newdir/cache --mount=type=secret,id=token cat /run/secrets/token > /newdir/cache/copy && cp /newdir/cache/copy /kept\n',
      'token.txt': 'podman-secret\n',
    });
    const home = await tempDir('slipway-podman-home-');
    const result = await slipway(['build', '-q', '--secret', `id=token,src=${join(ctx, 'token.txt')}`, ctx], { DOCKER_HOST: podman.host, HOME: home, SLIPWAY_HOME: home });
    expect(result.stderr).toBe('');
    const id = result.stdout.trim();
    expect((await podman.podman(['run', '--rm', id, 'sh', '-c', 'cat /kept; test -e /newdir || echo no-newdir; test -e /run/secrets/token || echo no-secret'])).trim()).toBe(
      'podman-secret\nno-newdir\nno-secret',
    );
  });
});
