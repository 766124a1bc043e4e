import type { IncomingMessage } from 'node:http';
import { tokenMatches } from './token';

/**
 * Who may talk to the web server. The page and the socket need the launch token; every request
 * must name our loopback host (a DNS-rebound name like evil.example never passes), and a socket
 * must come from a page of ours (the browser's Origin header, which pages cannot forge).
 */
export interface Access {
  /** The origins of our own page: http://127.0.0.1:PORT and http://localhost:PORT. */
  readonly origins: readonly string[];
  hostAllowed(request: IncomingMessage): boolean;
  originAllowed(request: IncomingMessage): boolean;
  tokenAllowed(url: URL): boolean;
}

export function createAccess(token: string, port: number): Access {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const origins = hosts.map((host) => `http://${host}`);
  return {
    origins,
    hostAllowed: (request) => hosts.includes(request.headers.host ?? ''),
    // No Origin at all is refused too: every browser sends one on a WebSocket handshake.
    originAllowed: (request) => origins.includes(request.headers.origin ?? ''),
    tokenAllowed: (url) => tokenMatches(token, url.searchParams.get('token')),
  };
}

/** The request's URL, parsed against a fixed base so a hostile Host header cannot bend it. */
export function requestUrl(request: IncomingMessage): URL | undefined {
  try {
    return new URL(request.url ?? '/', 'http://127.0.0.1');
  } catch {
    return undefined;
  }
}
