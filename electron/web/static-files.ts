import { readFile, realpath } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';

/**
 * The built renderer as static files. Only two kinds of path exist:
 *  - the page, `/` or `/index.html`: the caller requires the launch token for it;
 *  - `/assets/<name>`: Vite's hashed bundles, which the page loads without a token (a script
 *    tag cannot carry one). They are the app's public code and hold no secrets; one flat name
 *    of [A-Za-z0-9_.-] not starting with a dot, so no path can leave the assets folder.
 * Everything else is 404. Names are never percent-decoded: a `%2e%2e` simply does not match.
 */
export type StaticRoute = { kind: 'page' } | { kind: 'asset'; name: string } | { kind: 'none' };

const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

export function routeOf(pathname: string): StaticRoute {
  if (pathname === '/' || pathname === '/index.html') return { kind: 'page' };
  const name = pathname.startsWith('/assets/') ? pathname.slice('/assets/'.length) : undefined;
  if (name !== undefined && ASSET_NAME.test(name)) return { kind: 'asset', name };
  return { kind: 'none' };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Headers on every response, errors included. Never any Access-Control-* header. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    // The page's URL carries the token: nothing is worth keeping in a shared cache.
    'Cache-Control': 'no-store',
  };
}

export class StaticFiles {
  private constructor(private readonly root: string) {}

  /** `rendererDir` must hold a built renderer (index.html), e.g. out/renderer. */
  static async open(rendererDir: string): Promise<StaticFiles> {
    const root = await realpath(rendererDir).catch(() => undefined);
    const page = root && (await readFile(join(root, 'index.html')).catch(() => undefined));
    if (!root || !page) throw new Error(`No built renderer at ${rendererDir} (run \`npx electron-vite build\`)`);
    return new StaticFiles(root);
  }

  /** The file's bytes, or undefined when there is none (or it resolves outside the root). */
  async read(route: StaticRoute): Promise<{ body: Buffer; contentType: string } | undefined> {
    if (route.kind === 'none') return undefined;
    const path = route.kind === 'page' ? join(this.root, 'index.html') : join(this.root, 'assets', route.name);
    // A symlink inside the build must not lead out of it either.
    const real = await realpath(path).catch(() => undefined);
    if (!real || !real.startsWith(this.root + sep)) return undefined;
    const body = await readFile(real).catch(() => undefined);
    return body && { body, contentType: contentTypeOf(real) };
  }
}

export function respond(res: ServerResponse, status: number, headers: Record<string, string>, body?: Buffer | string, head = false): void {
  const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
  res.writeHead(status, { ...headers, 'Content-Length': String(bytes.length) });
  res.end(head ? undefined : bytes);
}
