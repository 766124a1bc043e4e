/**
 * Web mode's guarantees that need no engine (electron/web/): the token is compared in constant
 * time, no answer and no output ever carries it, and there is no CORS at all. The server runs
 * here for real, on loopback, over a fake core; test/integration/web.test.ts covers the rest
 * against a real engine.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { Handlers } from '../../electron/core/dispatch';
import { startWebServer, type WebServer } from '../../electron/web/server';
import { createToken, tokenMatches } from '../../electron/web/token';

const crypto = vi.hoisted(() => ({ compared: [] as [number, number][] }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return {
    ...actual,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      crypto.compared.push([a.byteLength, b.byteLength]);
      return actual.timingSafeEqual(a, b);
    },
  };
});

const info = { version: '27.0', apiVersion: '1.43', os: 'linux', arch: 'amd64' };
const core = {
  handlers: { 'slipway:engine:info': async () => info } as unknown as Handlers,
  subscribe: () => () => {},
};

let server: WebServer;
/** Everything anything in this process printed while the server ran. */
const printed: string[] = [];

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-renderer-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Slipway</title>');
  await writeFile(join(dir, 'assets', 'app-abc123.js'), 'console.log("slipway")');
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
  }
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
      printed.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof stream.write);
  }
  server = await startWebServer(core, { port: 0, rendererDir: dir });
});

afterAll(async () => {
  await server?.close();
  vi.restoreAllMocks();
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}
function http(path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', fail).end();
  });
}

/** A WebSocket handshake sent by hand: the server's whole raw answer (status line, headers, body). */
function rawUpgrade(path: string, headers: Record<string, string>): Promise<string> {
  return new Promise((done, fail) => {
    const socket = connect(server.port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('end', () => done(answer));
    socket.on('close', () => done(answer));
    socket.on('error', fail);
    const lines = [
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${server.port}`,
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

const ours = () => `http://127.0.0.1:${server.port}`;
/** The token with its last character changed: the guess closest to right. */
const nearMiss = () => server.token.slice(0, -1) + (server.token.endsWith('A') ? 'B' : 'A');

describe('the launch token', () => {
  it('is 32 random bytes, URL-safe, new each time', () => {
    const a = createToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createToken()).not.toBe(a);
  });

  it('is compared in constant time: always 32 bytes against 32 bytes, whatever was sent', () => {
    const token = createToken();
    crypto.compared.length = 0;
    const guesses = [token, nearMiss(), token.slice(0, 10), `${token}x`, '', 'x'.repeat(10_000), token.toUpperCase()];
    expect(guesses.map((guess) => tokenMatches(token, guess))).toEqual([true, false, false, false, false, false, false]);
    expect(crypto.compared).toEqual(guesses.map(() => [32, 32]));
    expect(tokenMatches(token, null)).toBe(false);
    expect(tokenMatches(token, undefined)).toBe(false);
  });
});

describe('web mode never gives the token away', () => {
  it('answers no bad request with the token, or with the guess it was sent', async () => {
    const wrong = nearMiss();
    const answers: [string, Answer][] = [];
    const ask = async (what: string, path: string, options?: Parameters<typeof http>[1]) => answers.push([what, await http(path, options)]);
    await ask('wrong token', `/?token=${wrong}`);
    await ask('no token', '/');
    await ask('foreign Host', `/?token=${server.token}`, { headers: { Host: 'evil.example' } });
    await ask('unknown path', `/nope?token=${server.token}`);
    await ask('asset with a token', `/assets/missing.js?token=${server.token}`);
    await ask('POST', `/?token=${server.token}`, { method: 'POST' });
    await ask('preflight', `/?token=${server.token}`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'GET' } });
    await ask('socket path over HTTP', `/ws?token=${server.token}`);
    for (const [what, answer] of answers) {
      expect(answer.status, what).toBeGreaterThanOrEqual(400);
      const text = JSON.stringify(answer);
      expect(text.includes(server.token), what).toBe(false);
      expect(text.includes(wrong), what).toBe(false);
    }
  });

  it('refuses socket handshakes without a word about the token', async () => {
    const wrong = nearMiss();
    for (const [path, headers] of [
      [`/ws?token=${wrong}`, { Origin: ours() }],
      [`/ws?token=${server.token}`, { Origin: 'http://evil.example' }],
      [`/ws?token=${server.token}`, {}],
      [`/other?token=${server.token}`, { Origin: ours() }],
    ] as const) {
      const answer = await rawUpgrade(path, headers);
      expect(answer, path).toMatch(/^HTTP\/1\.1 40[34] /);
      expect(answer.includes(server.token) || answer.includes(wrong), path).toBe(false);
      expect(answer.toLowerCase(), path).not.toContain('access-control-');
    }
  });

  it('answers bad calls on an open socket without it', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { origin: ours() });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const replies: string[] = [];
    socket.on('message', (data) => replies.push(String(data)));
    const frames = [
      '{not json',
      JSON.stringify({ id: 1, channel: 'slipway:nope:nope' }),
      JSON.stringify({ id: 2, channel: 'slipway:engine:info', payload: { token: 'x' } }),
      JSON.stringify({ id: 3, channel: 'slipway:engine:info', token: 'x' }),
      JSON.stringify({ id: 4, channel: 'slipway:engine:info' }),
    ];
    for (const frame of frames) socket.send(frame);
    await vi.waitFor(() => expect(replies).toHaveLength(frames.length));
    socket.close();
    expect(replies.filter((r) => r.includes('"ok":false'))).toHaveLength(4);
    for (const reply of replies) expect(reply.includes(server.token)).toBe(false);
  });

  it('prints nothing with the token in it (the URL `slipway serve` prints is its only way out)', () => {
    expect(printed.filter((line) => line.includes(server.token))).toEqual([]);
  });
});

describe('web mode has no CORS', () => {
  it('sends no Access-Control-* header on any answer, and refuses every preflight', async () => {
    const evil = { Origin: 'http://evil.example' };
    const answers = [
      await http(`/?token=${server.token}`, { headers: evil }),
      await http('/assets/app-abc123.js', { headers: evil }),
      await http('/assets/app-abc123.js', { method: 'HEAD', headers: evil }),
      await http('/nope', { headers: evil }),
      await http('/', { headers: evil }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 404, 403]);
    for (const path of [`/?token=${server.token}`, '/assets/app-abc123.js', '/ws', '/nope']) {
      for (const origin of ['http://evil.example', ours(), 'null']) {
        const preflight = await http(path, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
        expect([path, origin, preflight.status]).toEqual([path, origin, 405]);
        answers.push(preflight);
      }
    }
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) answers.push(await http(`/?token=${server.token}`, { method, headers: evil }));
    for (const answer of answers) {
      expect(Object.keys(answer.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
  });
});
