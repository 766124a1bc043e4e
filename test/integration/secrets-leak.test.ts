/**
 * Build secrets (`--secret`, read by `RUN --mount=type=secret`) and registry credentials (the
 * login `docker login` saved, sent with FROM pulls) never land anywhere Slipway writes: not in
 * its output or events, not in $SLIPWAY_HOME (event logs, build summaries, cache index, stored
 * configs), not in an exported build record, not in any image it made (config, history, layer
 * tars), and no scratch volume or container holding them is left behind. Each case first proves
 * the value did reach the build (a hash of it inside the image, an authenticated pull), so the
 * search cannot pass by the value never having been used.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/app-core';
import { type BuildSummary, type RequestOf } from '../../shared/contract';
import type { BuildEvent } from '../../shared/events';
import { docker } from './helpers/engine';
import { startRegistry, type Registry } from './helpers/registry';
import { ok } from './helpers/core-calls';
import { withEnv } from './helpers/env';

const exec = promisify(execFile);
const BASE = 'local/busybox:latest';
const CLI = resolve('bin/slipway.mjs');
const DOCKER = '/usr/bin/docker';

const dirs: string[] = [];
const images = new Set<string>();
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const image of [...images].reverse()) await docker.getImage(image).remove({ force: true }).catch(() => {});
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A unique value no file, image or log can hold by chance. */
const uniqueSecret = (name: string) => `${name}-${randomBytes(24).toString('hex')}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** What to search for: the value, and the value as base64 (how auth travels in headers and config files). */
const formsOf = (values: string[]) => values.flatMap((v) => [v, Buffer.from(v).toString('base64'), Buffer.from(v).toString('base64url')]);

async function context(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('slipway-leak-ctx-');
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

/** Every place searched, by a name that says what it is. */
class Sweep {
  readonly places = new Map<string, Buffer>();

  add(name: string, content: string | Buffer): void {
    this.places.set(name, Buffer.isBuffer(content) ? content : Buffer.from(content));
  }

  /** Every file below `dir`, byte for byte. */
  async addDir(label: string, dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
      if (entry.isFile()) {
        const path = join(entry.parentPath, entry.name);
        this.add(`${label}/${path.slice(dir.length + 1)}`, await readFile(path));
      }
    }
  }

  /** An image: its config as the engine reports it, `docker history --no-trunc`, and each file of `docker save` (layer tars unpacked if compressed). */
  async addImage(ref: string): Promise<void> {
    this.add(`image ${ref}: inspect`, JSON.stringify(await docker.getImage(ref).inspect()));
    this.add(`image ${ref}: history`, (await exec(DOCKER, ['history', '--no-trunc', '--format', '{{json .}}', ref])).stdout);
    const saved = (await docker.getImage(ref).get()) as Readable;
    const unpack = extract();
    const done = new Promise<void>((resolveDone, reject) => {
      unpack.on('entry', (header, stream, next) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: unknown) => chunks.push(c as Buffer));
        stream.on('end', () => {
          const body = Buffer.concat(chunks);
          this.add(`image ${ref}: saved ${header.name}`, body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body);
          next();
        });
        stream.resume();
      });
      unpack.on('finish', resolveDone);
      unpack.on('error', reject);
    });
    saved.pipe(unpack);
    await done;
  }

  /** The places that hold any of `needles`. */
  holding(needles: string[]): string[] {
    const bytes = needles.map((n) => Buffer.from(n));
    return [...this.places].filter(([, content]) => bytes.some((b) => content.includes(b))).map(([name]) => name);
  }

  /** How many places of a kind were searched (so a sweep that found nothing to search fails). */
  count(prefix: string): number {
    return [...this.places.keys()].filter((name) => name.startsWith(prefix)).length;
  }
}

/** This process's environment without engine or docker-config settings, plus `extra`. */
function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^DOCKER_/.test(k)) env[k] = v;
  return { ...env, SLIPWAY_FROM_SOURCE: '1', ...extra };
}

/** `slipway …` as a user runs it; never throws. */
async function slipway(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { env: cliEnv(env), maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** What a build left labelled with its id: containers and volumes (scratch volumes hold secrets). */
async function leftBehind(buildId: string): Promise<string[]> {
  const filters = { label: [`dev.slipway.build=${buildId}`] };
  const containers = await docker.listContainers({ all: true, filters });
  const { Volumes } = await docker.listVolumes({ filters });
  return [...containers.map((c) => `container ${c.Id}`), ...(Volumes ?? []).map((v) => `volume ${v.Name}`)];
}

async function inImage(image: string, command: string): Promise<string> {
  return (await exec(DOCKER, ['run', '--rm', image, 'sh', '-c', command])).stdout;
}

const stepImages = (events: BuildEvent[]) => [...new Set(events.flatMap((e) => (e.type === 'step-done' && e.imageId ? [e.imageId] : [])))];

describe('build secrets', () => {
  it('slipway build --secret: the values reach RUN, and nothing the CLI prints, keeps or builds holds them', async () => {
    const fromEnv = uniqueSecret('env-secret');
    const fromFile = uniqueSecret('file-secret');
    const secretFile = join(await tempDir('slipway-leak-secret-'), 'token');
    await writeFile(secretFile, fromFile);
    const home = await tempDir('slipway-leak-home-');
    const env = { SLIPWAY_HOME: home, SLIPWAY_LEAK_TEST_SECRET: fromEnv };
    const secretArgs = ['--secret', 'id=tok,env=SLIPWAY_LEAK_TEST_SECRET', '--secret', `id=filetok,src=${secretFile}`];
    const tag = `slipway-leak/cli:${randomBytes(4).toString('hex')}`;
    images.add(tag);
    const ctx = await context({
      Dockerfile: [
        `FROM ${BASE}`,
        'RUN --mount=type=secret,id=tok sha256sum /run/secrets/tok > /proof-tok',
        'RUN --mount=type=secret,id=filetok,env=FILE_TOKEN,required=true sh -c \'printf %s "$FILE_TOKEN" | sha256sum > /proof-filetok\'',
        'RUN --mount=type=secret,id=tok,target=/etc/app/token wc -c /etc/app/token',
        'ENV NOT_SECRET=1',
        '',
      ].join('\n'),
    });
    const failing = await context({ Dockerfile: `FROM ${BASE}\nRUN --mount=type=secret,id=tok,env=TOKEN sh -c 'test -n "$TOKEN" && exit 3'\n` });

    const sweep = new Sweep();
    const json = await slipway(['build', ...secretArgs, '--progress', 'json', '-t', tag, ctx], env);
    expect(json.code, json.stderr).toBe(0);
    // The same build again, with the classic output: every step from the cache.
    const plain = await slipway(['build', ...secretArgs, '--progress', 'plain', '-t', tag, ctx], env);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain('Using cache');
    // A RUN that fails with the secret mounted: the error path.
    const failed = await slipway(['build', ...secretArgs, '--progress', 'json', failing], env);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toMatch(/returned a non-zero code: 3/);
    const failedEvents = failed.stdout.trim().split('\n').map((line) => JSON.parse(line) as BuildEvent);
    for (const [name, result] of Object.entries({ json, plain, failed })) {
      sweep.add(`${name} run: stdout`, result.stdout);
      sweep.add(`${name} run: stderr`, result.stderr);
    }

    // The values did reach the steps.
    expect(await inImage(tag, 'cat /proof-tok')).toBe(`${sha256(fromEnv)}  /run/secrets/tok\n`);
    expect(await inImage(tag, 'cat /proof-filetok')).toBe(`${sha256(fromFile)}  -\n`);
    expect(json.stdout).toContain(`${fromEnv.length} /etc/app/token`);

    const events = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as BuildEvent);
    expect(events.at(-1)).toMatchObject({ type: 'build-finished', status: 'succeeded' });
    for (const image of stepImages(events)) {
      images.add(image);
      await sweep.addImage(image);
    }
    await sweep.addDir('$SLIPWAY_HOME', home);
    expect(sweep.count('image ')).toBeGreaterThan(4 * 3);
    expect(sweep.count('$SLIPWAY_HOME/')).toBeGreaterThan(0);
    expect([...sweep.places.keys()].some((name) => name.endsWith('layer.tar'))).toBe(true);

    expect(sweep.holding(formsOf([fromEnv, fromFile]))).toEqual([]);
    expect(await leftBehind(events[0]!.buildId)).toEqual([]);
    expect(await leftBehind(failedEvents[0]!.buildId)).toEqual([]);
  });

  it('in the app: not in events, event logs, summaries, the history record or the image', async () => {
    const value = uniqueSecret('app-secret');
    const home = await tempDir('slipway-leak-app-home-');
    const restore = withEnv({ SLIPWAY_LEAK_TEST_APP_SECRET: value });
    const core = createCore(docker, home);
    try {
      const ctx = await context({ Dockerfile: `FROM ${BASE}\nRUN --mount=type=secret,id=tok,required=true sha256sum /run/secrets/tok > /proof\n` });
      const request = { context: ctx, dockerfile: 'Dockerfile', buildArgs: {}, tags: [], noCache: true, secrets: [{ id: 'tok', env: 'SLIPWAY_LEAK_TEST_APP_SECRET' }] };
      const built = await coreBuild(core, request as RequestOf<'slipway:build:start'>);
      expect(built.summary.status).toBe('succeeded');
      const finished = built.events.find((e) => e.type === 'build-finished');
      const imageId = finished?.type === 'build-finished' ? finished.imageId! : '';
      images.add(imageId);
      expect(await inImage(imageId, 'cat /proof')).toBe(`${sha256(value)}  /run/secrets/tok\n`);
      const sweep = await appSweep(core, home, built);
      expect(sweep.holding(formsOf([value]))).toEqual([]);
      expect(await leftBehind(built.summary.buildId)).toEqual([]);
    } finally {
      await core.shutdown();
      restore();
    }
  });
});

describe('registry credentials', () => {
  const user = 'slipway-leak-user';
  const password = uniqueSecret('registry-password');
  let registry: Registry;
  let loggedIn: string;
  let ref: string;

  afterAll(async () => {
    if (ref) await docker.getImage(ref).remove().catch(() => {});
    await registry?.stop();
  });

  it('in the app: a FROM pulled with the saved login, and one that fails, leave them nowhere', async () => {
    registry = await startRegistry({ user, password });
    ref = `${registry.address}/leak/busybox:1`;
    loggedIn = await tempDir('slipway-leak-login-');
    const login = exec(DOCKER, ['login', '--username', user, '--password-stdin', registry.address], { env: cliEnv({ HOME: loggedIn }) });
    login.child.stdin?.end(password);
    await login;
    await docker.getImage(BASE).tag({ repo: `${registry.address}/leak/busybox`, tag: '1' });
    await exec(DOCKER, ['push', ref], { env: cliEnv({ HOME: loggedIn }) });
    // Only the registry has it under this name now: the build must pull it, with the login.
    await docker.getImage(ref).remove();
    const saved = await readFile(join(loggedIn, '.docker', 'config.json'), 'utf8');
    expect(saved).toContain(Buffer.from(`${user}:${password}`).toString('base64'));

    const home = await tempDir('slipway-leak-app-home-');
    const restore = withEnv({ HOME: loggedIn, DOCKER_CONFIG: undefined });
    const core = createCore(docker, home);
    try {
      const pulled = await coreBuild(core, { context: await context({ Dockerfile: `FROM ${ref}\nRUN echo pulled > /pulled\n` }), dockerfile: 'Dockerfile', buildArgs: {}, tags: [], noCache: true });
      expect(pulled.summary.status).toBe('succeeded');
      expect((await docker.getImage(ref).inspect()).Id).toMatch(/^sha256:/);
      const missing = await coreBuild(core, { context: await context({ Dockerfile: `FROM ${registry.address}/leak/absent:1\n` }), dockerfile: 'Dockerfile', buildArgs: {}, tags: [], noCache: true });
      expect(missing.summary.status).toBe('failed');
      expect(JSON.stringify(missing.events)).toMatch(/absent/);

      const sweep = await appSweep(core, home, pulled, missing);
      for (const image of stepImages(pulled.events)) {
        images.add(image);
        await sweep.addImage(image);
      }
      expect(sweep.holding(formsOf([password, `${user}:${password}`]))).toEqual([]);
    } finally {
      await core.shutdown();
      restore();
    }
  });
});

interface CoreBuild {
  summary: BuildSummary;
  events: BuildEvent[];
  /** Everything the core published while the build ran (events batches, summaries). */
  published: unknown[];
}

/** A build through the app's core, as the window starts one; resolves once it has finished. */
async function coreBuild(core: Core, request: RequestOf<'slipway:build:start'>): Promise<CoreBuild> {
  let id = '';
  const published: unknown[] = [];
  const summary = await new Promise<BuildSummary>((resolveDone, reject) => {
    const off = core.subscribe((channel, payload) => {
      published.push({ channel, payload });
      const s = payload as BuildSummary;
      if (channel === 'slipway:build:summary' && s.buildId === id && s.status !== 'running') {
        off();
        resolveDone({ ...s });
      }
    });
    ok(core, 'slipway:build:start', request).then((started) => (id = started.buildId), reject);
  });
  return { summary, events: (await ok(core, 'slipway:build:events', { buildId: id, from: 0 })).events, published };
}

/** The app's side: what it published, its files, the history list, and each build's exported record. */
async function appSweep(core: Core, home: string, ...builds: CoreBuild[]): Promise<Sweep> {
  const sweep = new Sweep();
  for (const build of builds) {
    const id = build.summary.buildId;
    sweep.add(`build ${id}: published`, JSON.stringify(build.published));
    sweep.add(`build ${id}: events`, JSON.stringify(build.events));
    sweep.add(`build ${id}: exported record`, JSON.stringify(await ok(core, 'slipway:history:export', { buildId: id })));
    sweep.add(`build ${id}: reopened`, JSON.stringify(await ok(core, 'slipway:history:open', { buildId: id })));
  }
  sweep.add('history list', JSON.stringify(await ok(core, 'slipway:history:list')));
  await sweep.addDir('$SLIPWAY_HOME', home);
  expect(sweep.count('$SLIPWAY_HOME/builds/')).toBeGreaterThanOrEqual(builds.length * 2);
  return sweep;
}
