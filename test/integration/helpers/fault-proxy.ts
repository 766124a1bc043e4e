/**
 * A fault-injecting proxy between Slipway and a real engine: an HTTP server on a unix socket
 * that passes every Engine API request on (attach's upgraded connections too), except those a
 * rule names, which it answers with an engine error (a full disk during a commit or an upload),
 * or passes on and then holds the engine's answer back (to kill Slipway while the engine has
 * done something and Slipway does not know yet).
 */
import { request, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import Docker from 'dockerode';

export type FaultAction =
  /** Answer with this status and the engine's JSON error shape. */
  | { fail: { status: number; message: string } }
  /** Pass the request on, then hold the engine's answer until `release()`. */
  | { hold: true };

export interface FaultRule {
  method: string;
  /** Matched against the path without the API version prefix and query: `/commit`, `/containers/ID/archive`. */
  path: RegExp;
  action: FaultAction;
  /** How many matching requests it applies to; unlimited when absent. */
  times?: number;
}

export interface SeenRequest {
  method: string;
  path: string;
  /** What the client got: the engine's status, the fault's, or 'held' (the engine answered; the client waits). */
  outcome?: number | 'held';
}

export interface FaultProxy {
  readonly socketPath: string;
  /** `unix://…`, for DOCKER_HOST. */
  readonly host: string;
  /** A client that talks through the proxy. */
  readonly docker: Docker;
  readonly seen: SeenRequest[];
  add(rule: FaultRule): void;
  /** Resolves once a request matching `method` and `path` has reached `outcome` (any, when absent). */
  waitFor(method: string, path: RegExp, outcome?: SeenRequest['outcome'], timeoutMs?: number): Promise<SeenRequest>;
  /** Sends every held answer on. */
  release(): void;
  close(): Promise<void>;
}

const apiPath = (url: string) => url.replace(/^\/v[0-9.]+/, '').replace(/\?.*$/, '');

export async function startFaultProxy(engineSocket: string): Promise<FaultProxy> {
  const dir = await mkdtemp('/tmp/slipway-proxy-');
  const socketPath = join(dir, 'engine.sock');
  const rules: (FaultRule & { used: number })[] = [];
  const seen: SeenRequest[] = [];
  const held: (() => void)[] = [];
  const sockets = new Set<Socket>();
  let changed: (() => void)[] = [];
  const note = () => changed.splice(0).forEach((wake) => wake());

  const match = (method: string, path: string) => {
    const rule = rules.find((r) => r.method === method && r.path.test(path) && (r.times === undefined || r.used < r.times));
    if (rule) rule.used++;
    return rule?.action;
  };

  const forward = (req: IncomingMessage, res: ServerResponse, entry: SeenRequest, hold: boolean) => {
    const upstream = request({ socketPath: engineSocket, method: req.method, path: req.url, headers: req.headers });
    upstream.on('response', (answer) => {
      if (!hold) {
        entry.outcome = answer.statusCode;
        note();
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        // A streamed answer (attach, wait) may send no body for a long time: the client needs the headers now.
        res.flushHeaders();
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        entry.outcome = 'held';
        note();
        held.push(() => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(chunks));
        });
      });
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    const entry: SeenRequest = { method: req.method ?? 'GET', path: apiPath(req.url ?? '/') };
    seen.push(entry);
    note();
    const action = match(entry.method, entry.path);
    if (action && 'fail' in action) {
      req.resume();
      req.on('end', () => {
        entry.outcome = action.fail.status;
        note();
        res.writeHead(action.fail.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: action.fail.message }));
      });
      return;
    }
    forward(req, res, entry, action !== undefined && 'hold' in action);
  });

  // attach: the client asks to upgrade the connection; pass the raw bytes both ways.
  server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push({ method: req.method ?? 'POST', path: apiPath(req.url ?? '/'), outcome: 101 });
    const upstream = connect(engineSocket, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', end).on('close', end);
    client.on('error', end).on('close', end);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => server.listen(socketPath, resolve).once('error', reject));

  return {
    socketPath,
    host: `unix://${socketPath}`,
    docker: new Docker({ socketPath }),
    seen,
    add: (rule) => rules.push({ ...rule, used: 0 }),
    async waitFor(method, path, outcome, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = seen.find((s) => s.method === method && path.test(s.path) && (outcome === undefined ? s.outcome !== undefined : s.outcome === outcome));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no ${method} ${path} (${String(outcome ?? 'answered')}) through the proxy in ${timeoutMs} ms; seen: ${seen.map((s) => `${s.method} ${s.path} ${String(s.outcome)}`).join(', ')}`);
        await new Promise<void>((wake) => {
          changed.push(wake);
          setTimeout(wake, 250);
        });
      }
    },
    release: () => held.splice(0).forEach((send) => send()),
    async close() {
      changed = [];
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
