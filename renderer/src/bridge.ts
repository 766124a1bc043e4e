/**
 * The main process's API for the renderer: the preload's window.slipway under Electron, or the
 * same contract over a WebSocket when the page was opened from `slipway serve` (web mode).
 */
import type { SlipwayApi } from '../../shared/contract';
import type { ConnectionState } from './bridge/reconnecting-socket';
import { createWebApi, type WebApi } from './bridge/web-api';

export { CallError, unwrap } from './bridge/envelope';
export type { ConnectionState } from './bridge/reconnecting-socket';

declare global {
  interface Window {
    slipway?: SlipwayApi;
    /** Electron only: the path of a file or folder dropped on the window. */
    slipwayFiles?: { pathForFile(file: File): string };
  }
}

let web: WebApi | undefined;

export function bridge(): SlipwayApi {
  if (window.slipway) return window.slipway;
  web ??= connectFromPage();
  return web.api;
}

/**
 * Hears web mode's connection come and go ('open' after a reconnect: events may have been
 * missed, catch up with `buildEvents`). Electron's IPC never disconnects: nothing to hear.
 */
export function onConnectionChange(listener: (state: ConnectionState) => void): () => void {
  if (window.slipway) return () => {};
  web ??= connectFromPage();
  return web.onConnectionChange(listener);
}

/** The page's own server, with the launch token from the page's URL (`/?token=...`). */
function connectFromPage(): WebApi {
  const token = new URLSearchParams(location.search).get('token');
  if (!token) throw new Error('Slipway bridge missing: open this page from the Slipway app, or the URL `slipway serve` printed.');
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return createWebApi(`${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`);
}
