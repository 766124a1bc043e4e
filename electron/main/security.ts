import type { Session, WebContents } from 'electron';

/**
 * Electron's security checklist for what runs in our windows (the BrowserWindow's own
 * webPreferences are in index.ts, where they are written out in full):
 * no navigation away, no new windows, no webviews, the CSP on every response, and no
 * permission for anything the page does not need.
 */

/** Every web contents, present and future: no navigation away, no new windows, no webviews. */
export function harden(contents: Pick<WebContents, 'setWindowOpenHandler' | 'on'>): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * The only Chromium permission the renderer gets: writing text to the clipboard (the copy
 * buttons of the log view and the build checks call navigator.clipboard.writeText, which asks
 * for it). Never reading the clipboard, media, notifications, openExternal or anything else.
 */
const GRANTED: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** Granted only for our own page's main frame: never a subframe or another origin. */
export function permissionAllowed(permission: string, requestingUrl: string | undefined, isMainFrame: boolean, isRendererUrl: (url: string) => boolean): boolean {
  return GRANTED.has(permission) && isMainFrame && requestingUrl !== undefined && isRendererUrl(requestingUrl);
}

export type LockableSession = Pick<Session, 'webRequest' | 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>;

/** The CSP on every response, and permissions as above: requests and checks alike, devices never. */
export function lockDownSession(session: LockableSession, csp: string, isRendererUrl: (url: string) => boolean): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(permissionAllowed(permission, details.requestingUrl, details.isMainFrame, isRendererUrl));
  });
  // Most web APIs check before they request; a check must not say yes where a request says no.
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    permissionAllowed(permission, details.requestingUrl ?? requestingOrigin, details.isMainFrame, isRendererUrl),
  );
  // USB, HID, serial and Bluetooth devices: never.
  session.setDevicePermissionHandler(() => false);
}
