/**
 * Web mode: the renderer and the contract over HTTP + WebSocket on loopback, for a browser (no
 * Electron binary) and for end-to-end tests. Security rests on four checks, all in `access`:
 * loopback only, our Host, our Origin (sockets), and a random token per launch (page + socket).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Core } from '../core/app-core';
import { contentSecurityPolicy } from '../core/csp';
import { createAccess, requestUrl, type Access } from './access';
import { MAX_MESSAGE_BYTES } from './protocol';
import { serveSocket } from './socket-session';
import { respond, routeOf, securityHeaders, StaticFiles } from './static-files';
import { createToken } from './token';

export interface WebServerOptions {
  /** 0 (the default): any free port. */
  port?: number;
  /** The built renderer: out/renderer. */
  rendererDir: string;
}

export interface WebServer {
  /** The page to open, token included: http://127.0.0.1:PORT/?token=TOKEN */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/** Never 0.0.0.0: nothing but this machine may reach the server. */
const HOST = '127.0.0.1';
export const SOCKET_PATH = '/ws';

export async function startWebServer(core: Pick<Core, 'handlers' | 'subscribe'>, options: WebServerOptions): Promise<WebServer> {
  const files = await StaticFiles.open(options.rendererDir);
  const token = createToken();
  const server = createServer();
  const port = await listen(server, options.port ?? 0);
  const access = createAccess(token, port);
  // The page's socket goes to its own origin; 'self' covers ws: only in CSP3 browsers, so name it.
  const headers = securityHeaders(contentSecurityPolicy(access.origins.map((origin) => origin.replace(/^http:/, 'ws:'))));

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void serveFile(files, access, headers, req, res).catch(() => {
      if (!res.headersSent) respond(res, 500, headers);
      else res.destroy();
    });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const url = requestUrl(req);
    if (url?.pathname !== SOCKET_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (!access.hostAllowed(req) || !access.originAllowed(req) || !access.tokenAllowed(url)) {
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    sockets.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, core));
  });

  let closing: Promise<void> | undefined;
  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    token,
    port,
    close: () => (closing ??= shutDown(server, sockets)),
  };
}

async function serveFile(files: StaticFiles, access: Access, headers: Record<string, string>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = requestUrl(req);
  if (!url || !access.hostAllowed(req)) return respond(res, 403, headers);
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) return respond(res, 405, { ...headers, Allow: 'GET, HEAD' });
  const route = routeOf(url.pathname);
  if (route.kind === 'page' && !access.tokenAllowed(url)) {
    return respond(res, 403, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }, 'Open the URL that `slipway serve` printed (it carries the token).\n', head);
  }
  const file = await files.read(route);
  if (!file) return respond(res, 404, headers);
  respond(res, 200, { ...headers, 'Content-Type': file.contentType }, file.body, head);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  // Destroy only once the answer is flushed, or the client sees a reset instead of the status.
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: HOST, exclusive: true }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function shutDown(server: Server, sockets: WebSocketServer): Promise<void> {
  // Browsers reconnect on their own if a new server comes up; no need for a slow close handshake.
  for (const client of sockets.clients) client.terminate();
  await new Promise<void>((resolve) => sockets.close(() => resolve()));
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
