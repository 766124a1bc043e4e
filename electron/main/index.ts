import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, session, type WebContents } from 'electron';
import { createCore } from '../core/app-core';
import { contentSecurityPolicy } from '../core/csp';
import { wireIpc, type SendToWindows } from './ipc';
import { isTrustedSender, rendererUrlCheck } from './trust';

// Thin glue: the window, Electron's security baseline, and the contract wired to the core (ipc.ts).
const devServer = process.env.ELECTRON_RENDERER_URL;
const rendererIndex = join(import.meta.dirname, '../renderer/index.html');

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
  else void win.loadFile(rendererIndex);
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

  const core = createCore();
  const isRendererUrl = rendererUrlCheck(devServer, rendererIndex);
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
