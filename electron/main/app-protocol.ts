/**
 * The packaged renderer is served from `app://slipway/`, not file://: a standard, secure origin
 * of its own, where every response carries the CSP and security headers (file:// responses
 * carry no headers, so a header CSP would never apply there), and where no other file of the
 * machine is reachable. The same route rules as web mode: the page and Vite's hashed assets.
 */
import { routeOf, securityHeaders, type StaticFiles } from '../web/static-files';

export const APP_SCHEME = 'app';
export const APP_HOST = 'slipway';
export const APP_PAGE = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Is this URL on the renderer's own origin? (Node's URL gives non-special schemes no origin.) */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The response to one `app://` request. */
export async function appResponse(files: StaticFiles, url: string, csp: string): Promise<Response> {
  const headers = securityHeaders(csp);
  const file = isAppUrl(url) ? await files.read(routeOf(new URL(url).pathname)) : undefined;
  if (!file) return new Response('Not found', { status: 404, headers });
  return new Response(new Uint8Array(file.body), { status: 200, headers: { ...headers, 'Content-Type': file.contentType } });
}
