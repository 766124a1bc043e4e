import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createCore, type Core } from '../../electron/core/app-core';
import { connectEngine } from '../../electron/docker/engine';
import { startWebServer, type WebServer } from '../../electron/web/server';
import type { BuildEventBatch, BuildSummary, Envelope, EngineInfo } from '../../shared/contract';
import type { BuildEvent } from '../../shared/events';
import { loadWebApi } from '../helpers/web-bridge';
import { docker } from './helpers/engine';

const INDEX_HTML = '<!doctype html><title>Slipway</title><script type="module" src="/assets/app-abc123.js"></script>';

/** A stand-in for out/renderer: the page, one asset, a file outside assets/, and a symlink out. */
async function fakeRenderer(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-renderer-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), INDEX_HTML);
  await writeFile(join(dir, 'assets', 'app-abc123.js'), 'console.log("slipway")');
  await writeFile(join(dir, 'secret.txt'), 'not for the web');
  const outside = await mkdtemp(join(tmpdir(), 'slipway-outside-'));
  await writeFile(join(outside, 'private.js'), 'secret');
  await symlink(join(outside, 'private.js'), join(dir, 'assets', 'escape.js'));
  return dir;
}

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}
function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Response> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', fail).end();
  });
}

/** Opens a socket, or says with which HTTP status the server refused the handshake. */
function handshake(port: number, query: string, origin?: string, path = '/ws'): Promise<WebSocket | number> {
  return new Promise((done, fail) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}${query}`, origin ? { origin } : {});
    socket.on('open', () => done(socket));
    socket.on('unexpected-response', (_req, res) => {
      done(res.statusCode!);
      socket.terminate();
    });
    socket.on('error', fail);
  });
}

/** A test's own connection: raw frames out, answers matched by id, pushed events collected. */
class Client {
  private nextId = 1;
  private readonly waiting = new Map<number | null, (envelope: Envelope<unknown>) => void>();
  readonly events: { event: string; payload: unknown }[] = [];
  private readonly eventWaiters: (() => void)[] = [];

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number | null; envelope?: Envelope<unknown>; event?: string; payload?: unknown };
      if ('envelope' in message) {
        this.waiting.get(message.id ?? null)?.(message.envelope!);
        this.waiting.delete(message.id ?? null);
      } else {
        this.events.push({ event: message.event!, payload: message.payload });
        this.eventWaiters.splice(0).forEach((wake) => wake());
      }
    });
  }

  static async open(server: WebServer, origin = `http://127.0.0.1:${server.port}`): Promise<Client> {
    const socket = await handshake(server.port, `?token=${server.token}`, origin);
    if (typeof socket === 'number') throw new Error(`handshake refused: ${socket}`);
    return new Client(socket);
  }

  call<T = unknown>(channel: string, payload?: unknown): Promise<Envelope<T>> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, channel, payload }));
    return this.answer(id) as Promise<Envelope<T>>;
  }

  /** For frames sent by hand; `null` for those the server cannot take an id from. */
  answer(id: number | null): Promise<Envelope<unknown>> {
    return new Promise((done) => this.waiting.set(id, done));
  }

  async until(found: () => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!found()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for events');
      await new Promise<void>((wake) => {
        this.eventWaiters.push(wake);
        setTimeout(wake, 1000);
      });
    }
  }
}

let core: Core;
let server: WebServer;
let base: string;
const sockets: WebSocket[] = [];
const images: string[] = [];

beforeAll(async () => {
  core = createCore(connectEngine(), await mkdtemp(join(tmpdir(), 'slipway-home-')));
  server = await startWebServer(core, { port: 0, rendererDir: await fakeRenderer() });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await server.close();
  await core.shutdown();
  for (const id of images) await docker.getImage(id).remove({ force: true }).catch(() => {});
});

const open = async (origin?: string) => {
  const client = await Client.open(server, origin);
  sockets.push(client.socket);
  return client;
};

describe('web server: HTTP', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(server.url).toBe(`${base}/?token=${server.token}`);
    // The kernel's own table of listening sockets: exactly one for this port, bound to 127.0.0.1.
    const listening = ['/proc/net/tcp', '/proc/net/tcp6']
      .filter((table) => existsSync(table))
      .flatMap((table) => readFileSync(table, 'utf8').trim().split('\n').slice(1))
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === '0A' && parseInt(fields[1]!.split(':')[1]!, 16) === server.port)
      .map((fields) => fields[1]!.split(':')[0]);
    expect(listening).toEqual(['0100007F']); // 127.0.0.1, little-endian hex
  });

  it('serves the page with the token, with the CSP, nosniff and no CORS', async () => {
    const page = await get(server.port, `/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toBe(INDEX_HTML);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self';");
    expect(page.headers['content-security-policy']).toContain(`connect-src 'self' ws://127.0.0.1:${server.port} ws://localhost:${server.port};`);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(Object.keys(page.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect((await get(server.port, `/index.html?token=${server.token}`)).status).toBe(200);
  });

  it('refuses the page without the right token', async () => {
    expect((await get(server.port, '/')).status).toBe(403);
    expect((await get(server.port, '/index.html')).status).toBe(403);
    expect((await get(server.port, '/?token=wrong')).status).toBe(403);
    expect((await get(server.port, `/?token=${server.token.slice(0, -1)}x`)).status).toBe(403);
  });

  it('serves assets without the token, and nothing else', async () => {
    const asset = await get(server.port, '/assets/app-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
    for (const path of ['/secret.txt', '/assets/escape.js', '/assets/.hidden', '/assets/', '/assets/..%2fsecret.txt', '/assets/%2e%2e/secret.txt', '/ws']) {
      expect([path, (await get(server.port, path)).status]).toEqual([path, 404]);
    }
    // Dot segments are resolved before routing: this is the page, which still needs the token.
    expect((await get(server.port, '/assets/../index.html')).status).toBe(403);
  });

  it('refuses a foreign Host (DNS rebinding) and anything but GET and HEAD, never with CORS headers', async () => {
    expect((await get(server.port, `/?token=${server.token}`, { Host: 'evil.example' })).status).toBe(403);
    expect((await get(server.port, `/?token=${server.token}`, { Host: `localhost:${server.port}` })).status).toBe(200);
    const preflight = await get(server.port, '/assets/app-abc123.js', { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'GET' }, 'OPTIONS');
    expect(preflight.status).toBe(405);
    expect(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect((await get(server.port, '/assets/app-abc123.js', {}, 'POST')).status).toBe(405);
    const head = await get(server.port, '/assets/app-abc123.js', {}, 'HEAD');
    expect([head.status, head.body]).toEqual([200, '']);
  });
});

describe('web server: WebSocket', () => {
  it('refuses a handshake without the token, with a wrong one, or from another origin', async () => {
    const ours = `http://127.0.0.1:${server.port}`;
    expect(await handshake(server.port, '', ours)).toBe(403);
    expect(await handshake(server.port, '?token=', ours)).toBe(403);
    expect(await handshake(server.port, '?token=wrong', ours)).toBe(403);
    expect(await handshake(server.port, `?token=${server.token.slice(0, -1)}x`, ours)).toBe(403);
    expect(await handshake(server.port, `?token=${server.token}`, 'http://evil.example')).toBe(403);
    expect(await handshake(server.port, `?token=${server.token}`, `http://127.0.0.1:${server.port + 1}`)).toBe(403);
    expect(await handshake(server.port, `?token=${server.token}`)).toBe(403); // no Origin at all
    expect(await handshake(server.port, `?token=${server.token}`, ours, '/socket')).toBe(404);
  });

  it('answers calls with envelopes, from our origin on 127.0.0.1 or localhost', async () => {
    for (const origin of [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`]) {
      const client = await open(origin);
      const info = await client.call<EngineInfo>('slipway:engine:info');
      expect(info.ok).toBe(true);
      expect(info.ok && info.result.apiVersion).toMatch(/^\d+\.\d+$/);
    }
  });

  it('turns unknown channels, bad payloads and malformed frames into error envelopes', async () => {
    const client = await open();
    expect(await client.call('slipway:nope:nope')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await client.call('__proto__')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await client.call('slipway:build:events', { buildId: 'b', from: 'zero' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await client.call('slipway:build:events', { buildId: 'nope', from: 0 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    for (const frame of ['{not json', '[1,2]', '"text"', '{"channel":"slipway:engine:info"}', '{"id":"1","channel":"slipway:engine:info"}']) {
      const answer = client.answer(null);
      client.socket.send(frame);
      expect([frame, await answer]).toMatchObject([frame, { ok: false, error: { code: 'BAD_REQUEST' } }]);
    }
    const extraField = client.answer(99);
    client.socket.send(JSON.stringify({ id: 99, channel: 'slipway:engine:info', extra: true }));
    expect(await extraField).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const binary = client.answer(null);
    client.socket.send(Buffer.from('{"id":5,"channel":"slipway:engine:info"}'));
    expect(await binary).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });

    // The connection survived all of it.
    expect((await client.call('slipway:engine:info')).ok).toBe(true);
  });

  it('closes a connection that sends more than 1 MB in one message, and keeps serving others', async () => {
    const client = await open();
    const closed = once(client.socket, 'close');
    client.socket.send(JSON.stringify({ id: 1, channel: 'slipway:shell:input', payload: { shellId: 's', data: 'x'.repeat(1024 * 1024) } }));
    const [code] = (await closed) as [number];
    expect(code).toBe(1009);
    expect((await (await open()).call('slipway:engine:info')).ok).toBe(true);
  });

  it('pushes build events as they happen, and replays the same events from 0 on request', async () => {
    const context = await mkdtemp(join(tmpdir(), 'slipway-web-build-'));
    await writeFile(join(context, 'Dockerfile'), 'FROM local/busybox:latest\nRUN echo hi\n');
    const client = await open();
    const started = await client.call<BuildSummary>('slipway:build:start', { context, dockerfile: 'Dockerfile', tags: [], noCache: true, buildArgs: {} });
    if (!started.ok) throw new Error(started.error.message);
    const { buildId } = started.result;

    const batches = () =>
      client.events.filter((e) => e.event === 'slipway:build:events').map((e) => e.payload as BuildEventBatch).filter((b) => b.buildId === buildId);
    const pushed = () => batches().flatMap((b) => b.events);
    await client.until(() => pushed().some((e) => e.type === 'build-finished'));

    const finished = pushed().find((e) => e.type === 'build-finished') as Extract<BuildEvent, { type: 'build-finished' }>;
    if (finished.imageId) images.push(finished.imageId);
    expect(finished.status).toBe('succeeded');
    expect(pushed().some((e) => e.type === 'step-log' && e.text.includes('hi'))).toBe(true);
    // Batches are contiguous: each starts where the last one ended.
    let next = 0;
    for (const batch of batches()) {
      expect(batch.from).toBe(next);
      next += batch.events.length;
    }
    expect(client.events.some((e) => e.event === 'slipway:build:summary' && (e.payload as BuildSummary).buildId === buildId)).toBe(true);

    const replay = await client.call<BuildEventBatch>('slipway:build:events', { buildId, from: 0 });
    expect(replay).toEqual({ ok: true, result: { buildId, from: 0, events: pushed() } });
  });

  it("speaks the renderer's own web client (renderer/src/bridge/web-api.ts)", async () => {
    const { createWebApi } = await loadWebApi();
    const origin = `http://127.0.0.1:${server.port}`;
    const web = createWebApi(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, {
      openSocket: (url) => new WebSocket(url, { origin }),
    });
    try {
      const info = await web.api.engineInfo();
      expect(info.ok && info.result.os).toBe('linux');
      expect(await web.api.buildEvents({ buildId: 'nope', from: 0 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    } finally {
      web.close();
    }
  });

  it('ends every connection and stops listening on close', async () => {
    const own = await startWebServer(core, { rendererDir: await fakeRenderer() });
    const client = await Client.open(own);
    const closed = once(client.socket, 'close');
    await own.close();
    await closed;
    await expect(get(own.port, `/?token=${own.token}`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('will not start without a built renderer', async () => {
    await expect(startWebServer(core, { rendererDir: join(tmpdir(), 'no-such-renderer') })).rejects.toThrow(/electron-vite build/);
  });
});

describe('slipway serve', () => {
  it('prints the URL, serves the app and shuts down cleanly on SIGTERM', async () => {
    const home = await mkdtemp(join(tmpdir(), 'slipway-home-'));
    const child = spawn(process.execPath, [resolve('bin/slipway.mjs'), 'serve', '--port', '0'], {
      env: { ...process.env, SLIPWAY_FROM_SOURCE: '1', SLIPWAY_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    try {
      const deadline = Date.now() + 90_000;
      while (!/running at (\S+)/.test(stdout)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no URL printed: ${stdout}`);
        await new Promise((wake) => setTimeout(wake, 100));
      }
      const url = new URL(stdout.match(/Slipway is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43})\n/)![1]!);
      expect((await get(Number(url.port), `${url.pathname}${url.search}`)).status).toBe(200);
      expect((await get(Number(url.port), '/')).status).toBe(403);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toEqual([0, null]);
  });

  it('prints the token once, in that URL, and nowhere else, whatever requests come', async () => {
    const home = await mkdtemp(join(tmpdir(), 'slipway-home-'));
    const child = spawn(process.execPath, [resolve('bin/slipway.mjs'), 'serve', '--port', '0'], {
      env: { ...process.env, SLIPWAY_FROM_SOURCE: '1', SLIPWAY_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = once(child, 'exit');
    let token = '';
    try {
      const deadline = Date.now() + 90_000;
      while (!/running at (\S+)\n/.test(stdout)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no URL printed: ${stdout}${stderr}`);
        await new Promise((wake) => setTimeout(wake, 100));
      }
      const url = new URL(stdout.match(/running at (\S+)\n/)![1]!);
      token = url.searchParams.get('token')!;
      const port = Number(url.port);
      // Bad requests of every kind, and a good one, then a clean stop.
      await get(port, `/?token=${token.slice(0, -1)}`);
      await get(port, `/?token=${token}`, { Host: 'evil.example' });
      await get(port, `/nope?token=${token}`, {}, 'OPTIONS');
      expect(await handshake(port, `?token=${token}`, 'http://evil.example')).toBe(403);
      const socket = await handshake(port, `?token=${token}`, `http://127.0.0.1:${port}`);
      if (typeof socket === 'number') throw new Error(`handshake refused: ${socket}`);
      socket.send('{not json');
      socket.send(JSON.stringify({ id: 1, channel: `slipway:${token}:x` }));
      await new Promise((wake) => setTimeout(wake, 200));
      socket.terminate();
    } finally {
      child.kill('SIGTERM');
    }
    await exited;
    expect(stdout.split(token).length - 1).toBe(1);
    expect(stderr).not.toContain(token);
    expect(stderr).not.toContain(token.slice(0, 16));
  });

  it('refuses a bad --port', async () => {
    const child = spawn(process.execPath, [resolve('bin/slipway.mjs'), 'serve', '--port', 'eighty'], {
      env: { ...process.env, SLIPWAY_FROM_SOURCE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(1);
    expect(stderr).toMatch(/invalid --port "eighty"/);
  });
});
