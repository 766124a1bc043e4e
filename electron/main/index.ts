import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, protocol, session, type WebContents } from 'electron';
import { createCore } from '../core/app-core';
import { contentSecurityPolicy } from '../core/csp';
import { StaticFiles } from '../web/static-files';
import { APP_PAGE, APP_SCHEME, appResponse } from './app-protocol';
import { wireIpc, type SendToWindows } from './ipc';
import { isTrustedSender, rendererUrlCheck } from './trust';

// Thin glue: the window, Electron's security baseline, and the contract wired to the core (ipc.ts).
const devServer = process.env.ELECTRON_RENDERER_URL;
const rendererDir = join(import.meta.dirname, '../renderer');

// Before the app is ready: app:// is a standard, secure scheme (an origin of its own, like https).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true } }]);

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'Slipway',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  if (devServer) void win.loadURL(devServer);
  else void win.loadURL(APP_PAGE);
  return win;
}

/** Every web contents, present and future: no navigation away, no new windows, no webviews. */
function harden(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

const sendToWindows: SendToWindows = (channel, payload) => {
  for (const win of BrowserWindow.getAllWindows()) {
    if (!win.isDestroyed()) win.webContents.send(channel, payload);
  }
};

app.on('web-contents-created', (_event, contents) => harden(contents));

void app.whenReady().then(() => {
  const csp = contentSecurityPolicy(devServer ? [new URL(devServer).origin.replace(/^http/, 'ws')] : []);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  const files = StaticFiles.open(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => appResponse(await files, request.url, csp));

  const core = createCore();
  const isRendererUrl = rendererUrlCheck(devServer);
  wireIpc(
    ipcMain,
    core,
    { isTrustedSender: (event) => isTrustedSender(event, { isOurWindow: (wc) => BrowserWindow.fromWebContents(wc) !== null, isRendererUrl }) },
    sendToWindows,
  );
  app.on('before-quit', () => void core.shutdown());
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
