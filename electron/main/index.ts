import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, protocol, session } from 'electron';
import { createCore } from '../core/app-core';
import { contentSecurityPolicy } from '../core/csp';
import { StaticFiles } from '../web/static-files';
import { APP_PAGE, APP_SCHEME, appResponse } from './app-protocol';
import { wireIpc, type SendToWindows } from './ipc';
import { harden, lockDownSession } from './security';
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
      webviewTag: false,
      navigateOnDragDrop: false,
      // A middle click on a link would ask for a new window (denied anyway, see harden()).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (devServer) void win.loadURL(devServer);
  else void win.loadURL(APP_PAGE);
  return win;
}

const sendToWindows: SendToWindows = (channel, payload) => {
  for (const win of BrowserWindow.getAllWindows()) {
    if (!win.isDestroyed()) win.webContents.send(channel, payload);
  }
};

app.on('web-contents-created', (_event, contents) => harden(contents));

void app.whenReady().then(() => {
  const csp = contentSecurityPolicy(devServer ? [new URL(devServer).origin.replace(/^http/, 'ws')] : []);
  const isRendererUrl = rendererUrlCheck(devServer);
  lockDownSession(session.defaultSession, csp, isRendererUrl);
  // Opened on the first request: with the dev server there may be no built renderer at all.
  let files: Promise<StaticFiles> | undefined;
  protocol.handle(APP_SCHEME, async (request) => appResponse(await (files ??= StaticFiles.open(rendererDir)), request.url, csp));

  const core = createCore();
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
