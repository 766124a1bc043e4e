import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, session, type IpcMainInvokeEvent } from 'electron';
import { callChannels } from '../../shared/contract';
import { createCore, type Core } from '../core/app-core';
import { contentSecurityPolicy } from '../core/csp';
import { dispatch, failure } from '../core/dispatch';

// Thin glue: the window, its security baseline, and the contract wired to the core.
const devServer = process.env.ELECTRON_RENDERER_URL;

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
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  if (devServer) void win.loadURL(devServer);
  else void win.loadFile(join(import.meta.dirname, '../renderer/index.html'));
  return win;
}

/** Calls are answered only for the main frame of one of our windows. */
function fromOurWindow(event: IpcMainInvokeEvent): boolean {
  const win = BrowserWindow.fromWebContents(event.sender);
  return win !== null && event.senderFrame === event.sender.mainFrame;
}

function wireContract(core: Core): void {
  for (const channel of callChannels) {
    ipcMain.handle(channel, (event, payload: unknown) =>
      fromOurWindow(event)
        ? dispatch(core.handlers, channel, payload)
        : failure({ code: 'FORBIDDEN', message: 'Calls are accepted only from Slipway windows' }),
    );
  }
  core.subscribe((channel, payload) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(channel, payload);
  });
}

void app.whenReady().then(() => {
  const csp = contentSecurityPolicy(devServer ? [new URL(devServer).origin.replace(/^http/, 'ws')] : []);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  const core = createCore();
  wireContract(core);
  app.on('before-quit', () => void core.shutdown());
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
