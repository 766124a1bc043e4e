/**
 * kill -9 of Slipway mid-build — the CLI, and the app's main process (web mode) — then a start
 * again: the start-up sweep removes every container, volume and half-made image of that build
 * (by Slipway's labels, and by the build's ledger of the images it made), and the cache index
 * is intact: a torn entry is ignored (the step runs again), never trusted. On an engine of the
 * test's own, so everything on it is counted: the leak count after the sweep is 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { sweepLeftovers } from '../../electron/core/sweep';
import type { BuildEvent } from '../../shared/events';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy';
import { engineContents, leaks } from './helpers/second-engine';
import { useSecondEngine } from './helpers/second-engine-suite';

const ROOT = resolve(import.meta.dirname, '../..');

const children: ChildProcess[] = [];
const suite = useSecondEngine('kill', {
  beforeDestroy: () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  },
});
const { temp, newHome, contextWith, homes } = suite;
/** Images a test made unaccounted for on purpose (a step's image whose cache entry it tore). */
const known: string[] = [];


/** `slipway …` from the sources, on the given engine and home; output collected. */
function slipway(args: string[], home: string, host: string): ChildProcess & { out: () => string } {
  const child = spawn(process.execPath, [join(ROOT, 'bin/slipway.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, SLIPWAY_FROM_SOURCE: '1', SLIPWAY_HOME: home, DOCKER_HOST: host },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return Object.assign(child, { out: () => out });
}

async function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A step container of some build, running. */
const runningStep = (docker: Docker) =>
  until('a running step container', async () => {
    const list = await docker.listContainers({ filters: { label: ['dev.slipway.build'], status: ['running'] } });
    return list[0];
  });

const killHard = async (child: ChildProcess) => {
  child.kill('SIGKILL');
  expect(await exited(child).then(() => child.signalCode)).toBe('SIGKILL');
};

/** The build's ledgers left in the home (image-ledger.ts): none once swept. */
async function ledgers(home: string): Promise<string[]> {
  const files = (await readdir(join(home, 'engines'), { recursive: true }).catch(() => [] as string[])) as string[];
  return files.filter((f) => f.includes('running/') && f.endsWith('.jsonl'));
}

/** Cache entry files of the home, with their text. */
async function cacheEntries(home: string): Promise<{ path: string; text: string }[]> {
  const base = join(home, 'engines');
  const files = (await readdir(base, { recursive: true })) as string[];
  return Promise.all(files.filter((f) => f.includes('build-cache/') && f.endsWith('.json')).map(async (f) => ({ path: join(base, f), text: await readFile(join(base, f), 'utf8') })));
}

describe('kill -9 of the CLI mid-build, then the sweep', () => {
  it("removes the running step container, its volumes (the VOLUME's, and a bind mount's scratch volume) and nothing cached", async () => {
    const context = await contextWith(
      'FROM local/busybox:latest\nVOLUME /data\nADD file.txt /etc/file.txt\nRUN --mount=type=bind,source=file.txt,target=/mnt/file.txt cat /mnt/file.txt && echo started && sleep 60\n',
      { 'file.txt': 'added\n' },
    );
    const home = await newHome();
    const cli = slipway(['build', '--progress', 'plain', context], home, suite.engine.host);
    const step = await runningStep(suite.engine.docker);
    await until('the step to print', async () => (cli.out().includes('started') ? true : undefined));
    await killHard(cli);

    // What the dead build left: its step container (still running) and two volumes.
    const left = await engineContents(suite.engine.docker);
    expect(left.containers).toEqual([`${step.Names[0]} (running)`]);
    expect(left.volumes).toHaveLength(2);
    expect(await ledgers(home)).toHaveLength(1);

    const removed = await sweepLeftovers(suite.engine.docker, home);
    expect(removed).toContain(step.Names[0]!.slice(1));
    expect(await leaks(suite.engine.docker, homes, known)).toEqual([]);
    expect(await ledgers(home)).toEqual([]);
  });

  it('removes the images of a commit the engine made but the build never recorded; a torn cache entry is not trusted', async () => {
    const proxy: FaultProxy = await startFaultProxy(suite.engine.socketPath);
    try {
      const context = await contextWith('FROM local/busybox:latest\nENV A=1\nRUN echo one > /one\n');
      const home = await newHome();
      expect(await exited(slipway(['build', '-q', context], home, proxy.host))).toBe(0);

      // Tear the RUN step's entry, as a write cut short would (a rename makes that impossible; a disk may not).
      const entry = (await cacheEntries(home)).find((e) => e.text.includes('"RUN echo one > /one"'))!;
      await writeFile(entry.path, entry.text.slice(0, entry.text.length >> 1));
      // That step's image is no longer in the cache index, but it is no build's half-made image either.
      known.push((JSON.parse(entry.text) as { imageId: string }).imageId);

      // Build on; hold back the engine's answer to the image write after the commit, and kill the CLI there.
      await writeFile(join(context, 'Dockerfile'), 'FROM local/busybox:latest\nENV A=1\nRUN echo one > /one\nRUN echo two > /two\n');
      proxy.add({ method: 'POST', path: /^\/images\/load$/, action: { hold: true }, times: 1 });
      const cli = slipway(['build', '--progress', 'json', context], home, proxy.host);
      await proxy.waitFor('POST', /^\/images\/load$/, 'held');
      await killHard(cli);
      proxy.release();
      const cacheHits = (out: string) =>
        out
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as BuildEvent)
          .flatMap((e) => (e.type === 'step-cache' ? [e.decision.hit] : []));
      // The torn entry was not trusted: the RUN ran (and committed) again.
      expect(cacheHits(cli.out())).toEqual([true, false]);
      const halfMade = await leaks(suite.engine.docker, homes, known);
      expect(halfMade.filter((l) => l.startsWith('image '))).toHaveLength(2); // the labelled commit and the image written over it
      expect(halfMade.filter((l) => l.startsWith('container '))).toHaveLength(1);

      // Start again: the CLI sweeps at start, then builds; the step runs again, the rest of the cache holds.
      const again = slipway(['build', '--progress', 'json', context], home, proxy.host);
      expect(await exited(again)).toBe(0);
      expect(cacheHits(again.out())).toEqual([true, false, false]);
      for (const leak of halfMade.filter((l) => l.startsWith('image '))) {
        await expect(suite.engine.docker.getImage(leak.slice('image '.length)).inspect()).rejects.toMatchObject({ statusCode: 404 });
      }
      expect(await leaks(suite.engine.docker, homes, known)).toEqual([]);
      expect(await ledgers(home)).toEqual([]);
      for (const { text } of await cacheEntries(home)) expect(() => JSON.parse(text)).not.toThrow();
    } finally {
      await proxy.close();
    }
  });
});

describe("kill -9 of the app's main process (web mode) mid-build, then a start again", () => {
  it('the new process sweeps what the dead one left', async () => {
    const context = await contextWith('FROM local/busybox:latest\nVOLUME /data\nRUN echo started; sleep 60\n');
    const home = await newHome();
    const serve = () => {
      const child = slipway(['serve'], home, suite.engine.host);
      const url = until('the app to print its URL', async () => /Slipway is running at (\S+)/.exec(child.out())?.[1], 120_000);
      return { child, url };
    };

    const first = serve();
    const url = new URL(await first.url);
    const socket = new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, { origin: url.origin });
    await once(socket, 'open');
    const reply = new Promise<unknown>((done) =>
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { id?: number };
        if (message.id === 1) done(message);
      }),
    );
    socket.send(JSON.stringify({ id: 1, channel: 'slipway:build:start', payload: { context, dockerfile: 'Dockerfile', tags: [], buildArgs: {}, noCache: false } }));
    expect(await reply).toMatchObject({ id: 1, envelope: { ok: true, result: { status: 'running' } } });
    const step = await runningStep(suite.engine.docker);
    await killHard(first.child);
    socket.terminate();

    const left = await engineContents(suite.engine.docker);
    expect(left.containers).toEqual([`${step.Names[0]} (running)`]);
    expect(left.volumes).toHaveLength(1);

    const second = serve();
    await second.url;
    const swept = await until('the sweep', async () => ((await leaks(suite.engine.docker, homes, known)).length === 0 ? true : undefined), 30_000).catch(() => false);
    expect([swept, await leaks(suite.engine.docker, homes, known), second.child.out()]).toEqual([true, [], expect.any(String)]);
    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);
  });
});
