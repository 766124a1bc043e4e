/**
 * Electron's security checklist, as tests of the main process (electron/main/index.ts) run under
 * a fake `electron` module that records what the app asks of it: the window's webPreferences,
 * the handlers it installs on web contents and on the session, the scheme it registers, and
 * the IPC handlers. Electron's binary is not needed.
 */
import type { IpcMainInvokeEvent } from 'electron';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { contentSecurityPolicy } from '../../electron/core/csp';
import { APP_PAGE } from '../../electron/main/app-protocol';
import { permissionAllowed } from '../../electron/main/security';
import { rendererUrlCheck } from '../../electron/main/trust';
import { callChannels } from '../../shared/contract';

type Listener = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  class Emitter {
    readonly listeners = new Map<string, Listener[]>();
    on(event: string, listener: Listener): this {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    emit(event: string, ...args: unknown[]): void {
      for (const listener of this.listeners.get(event) ?? []) listener(...args);
    }
  }

  class FakeWebContents extends Emitter {
    windowOpenHandler: Listener | undefined;
    readonly mainFrame = { url: '' };
    readonly sent: unknown[][] = [];
    setWindowOpenHandler(handler: Listener): void {
      this.windowOpenHandler = handler;
    }
    send(...args: unknown[]): void {
      this.sent.push(args);
    }
  }

  const app = Object.assign(new Emitter(), {
    readyNow: () => {},
    whenReady(): Promise<void> {
      return new Promise((resolve) => (app.readyNow = resolve));
    },
    quit: () => {},
  });

  const windows: FakeBrowserWindow[] = [];
  class FakeBrowserWindow {
    readonly webContents = new FakeWebContents();
    loadedUrl: string | undefined;
    constructor(readonly options: { webPreferences?: Record<string, unknown> }) {
      windows.push(this);
      // What Electron does for every new web contents, a window's included.
      app.emit('web-contents-created', {}, this.webContents);
    }
    async loadURL(url: string): Promise<void> {
      this.loadedUrl = url;
      this.webContents.mainFrame.url = url;
    }
    isDestroyed(): boolean {
      return false;
    }
    static getAllWindows(): FakeBrowserWindow[] {
      return windows;
    }
    static fromWebContents(contents: unknown): FakeBrowserWindow | null {
      return windows.find((w) => w.webContents === contents) ?? null;
    }
  }

  const defaultSession = {
    headersListener: undefined as Listener | undefined,
    requestHandler: undefined as Listener | undefined,
    checkHandler: undefined as Listener | undefined,
    deviceHandler: undefined as Listener | undefined,
    webRequest: {
      onHeadersReceived(listener: Listener) {
        defaultSession.headersListener = listener;
      },
    },
    setPermissionRequestHandler(handler: Listener) {
      defaultSession.requestHandler = handler;
    },
    setPermissionCheckHandler(handler: Listener) {
      defaultSession.checkHandler = handler;
    },
    setDevicePermissionHandler(handler: Listener) {
      defaultSession.deviceHandler = handler;
    },
  };

  const protocol = {
    privileged: [] as unknown[],
    handlers: new Map<string, Listener>(),
    registerSchemesAsPrivileged(schemes: unknown[]) {
      protocol.privileged.push(...schemes);
    },
    handle(scheme: string, handler: Listener) {
      protocol.handlers.set(scheme, handler);
    },
  };

  const ipcMain = {
    handlers: new Map<string, Listener>(),
    handle(channel: string, listener: Listener) {
      ipcMain.handlers.set(channel, listener);
    },
    removeHandler(channel: string) {
      ipcMain.handlers.delete(channel);
    },
  };

  const engineInfo = { version: '27.0', apiVersion: '1.43', os: 'linux', arch: 'amd64' };
  const core = {
    calls: 0,
    handlers: {
      'slipway:engine:info': async () => {
        core.calls++;
        return engineInfo;
      },
    },
    subscribe: () => () => {},
    shutdown: async () => {},
  };

  return { app, BrowserWindow: FakeBrowserWindow, FakeWebContents, windows, session: { defaultSession }, protocol, ipcMain, core, engineInfo };
});

vi.mock('electron', () => ({
  app: fake.app,
  BrowserWindow: fake.BrowserWindow,
  ipcMain: fake.ipcMain,
  protocol: fake.protocol,
  session: fake.session,
}));
// The real core would talk to Docker and write to $SLIPWAY_HOME: here only the glue is under test.
vi.mock('../../electron/core/app-core', () => ({ createCore: () => fake.core }));

const session = fake.session.defaultSession;
const mainWindow = () => fake.windows[0]!;

beforeAll(async () => {
  vi.stubEnv('ELECTRON_RENDERER_URL', undefined);
  await import('../../electron/main/index');
  fake.app.readyNow();
  await new Promise((resolve) => setImmediate(resolve));
  vi.unstubAllEnvs();
});

/** A navigation-like event whose default action the app may prevent. */
function preventable() {
  return { preventDefault: vi.fn() };
}

/** Every permission Electron 41 names for its request and check handlers. */
const PERMISSIONS = [
  'clipboard-read',
  'clipboard-sanitized-write',
  'deprecated-sync-clipboard-read',
  'display-capture',
  'fileSystem',
  'fullscreen',
  'geolocation',
  'hid',
  'idle-detection',
  'keyboardLock',
  'media',
  'mediaKeySystem',
  'midi',
  'midiSysex',
  'notifications',
  'openExternal',
  'pointerLock',
  'serial',
  'speaker-selection',
  'storage-access',
  'top-level-storage-access',
  'unknown',
  'usb',
  'window-management',
];

describe('the window (Electron checklist: isolation, sandbox, no Node, web security)', () => {
  it('opens one window on our own app:// page, never remote content', () => {
    expect(fake.windows).toHaveLength(1);
    expect(mainWindow().loadedUrl).toBe(APP_PAGE);
  });

  it('has context isolation, the sandbox and web security on, Node integration off', () => {
    const prefs = mainWindow().options.webPreferences!;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(String(prefs.preload)).toMatch(/[/\\]preload[/\\]index\.cjs$/);
  });

  it('sets nothing that weakens it (every webPreferences key is reviewed here)', () => {
    const prefs = mainWindow().options.webPreferences!;
    // A new key must be added here on purpose, after checking it against Electron's checklist.
    expect(Object.keys(prefs).sort()).toEqual(
      ['contextIsolation', 'disableBlinkFeatures', 'navigateOnDragDrop', 'nodeIntegration', 'preload', 'sandbox', 'webSecurity', 'webviewTag'].sort(),
    );
    for (const weakening of ['enableRemoteModule', 'allowRunningInsecureContent', 'experimentalFeatures', 'enableBlinkFeatures', 'nodeIntegrationInWorker', 'nodeIntegrationInSubFrames']) {
      expect(prefs, weakening).not.toHaveProperty(weakening);
    }
    expect(prefs.navigateOnDragDrop).toBe(false);
    expect(prefs.disableBlinkFeatures).toBe('Auxclick');
  });

  it('registers app:// as standard and secure, with no privilege that bypasses the CSP or CORS', () => {
    expect(fake.protocol.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true } }]);
    expect([...fake.protocol.handlers.keys()]).toEqual(['app']);
  });
});

describe('web contents (Electron checklist: navigation, new windows, webviews)', () => {
  // The window's own contents, and any other (devtools, a future one) through web-contents-created.
  const everyContents = () => {
    const other = new fake.FakeWebContents();
    fake.app.emit('web-contents-created', {}, other);
    return [mainWindow().webContents, other];
  };

  it('denies window.open and target=_blank, whatever the URL', () => {
    for (const contents of everyContents()) {
      expect(contents.windowOpenHandler).toBeTypeOf('function');
      for (const url of ['https://evil.example/', APP_PAGE, 'file:///etc/passwd', 'javascript:alert(1)']) {
        expect(contents.windowOpenHandler!({ url, frameName: '', features: '', disposition: 'new-window' })).toEqual({ action: 'deny' });
      }
    }
  });

  it('prevents every navigation away and every webview attach', () => {
    for (const contents of everyContents()) {
      for (const event of ['will-navigate', 'will-attach-webview']) {
        expect(contents.listeners.get(event), event).toHaveLength(1);
        const attempt = preventable();
        contents.emit(event, attempt, { nodeIntegration: true }, { src: 'https://evil.example/' });
        expect(attempt.preventDefault, event).toHaveBeenCalledOnce();
      }
    }
  });
});

describe('the session (Electron checklist: CSP, permission requests)', () => {
  it('adds the CSP to every response, keeping the other headers', () => {
    let answer: unknown;
    session.headersListener!({ url: APP_PAGE, responseHeaders: { 'X-Other': ['1'] } }, (response: unknown) => (answer = response));
    expect(answer).toEqual({ responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [contentSecurityPolicy()] } });
  });

  it('denies every permission request, but writing to the clipboard from our page', async () => {
    const ask = (permission: string, requestingUrl: string, isMainFrame = true) =>
      new Promise<boolean>((resolve) => session.requestHandler!(mainWindow().webContents, permission, resolve, { requestingUrl, isMainFrame }));
    for (const permission of PERMISSIONS) {
      expect([permission, await ask(permission, APP_PAGE)]).toEqual([permission, permission === 'clipboard-sanitized-write']);
      expect([permission, await ask(permission, 'https://evil.example/')]).toEqual([permission, false]);
    }
    expect(await ask('clipboard-sanitized-write', APP_PAGE, false)).toBe(false);
  });

  it('answers permission checks the same way, and never grants a device', () => {
    const check = (permission: string, origin: string, details: { requestingUrl?: string; isMainFrame: boolean }) =>
      session.checkHandler!(null, permission, origin, details);
    for (const permission of PERMISSIONS) {
      expect([permission, check(permission, 'app://slipway', { requestingUrl: APP_PAGE, isMainFrame: true })]).toEqual([
        permission,
        permission === 'clipboard-sanitized-write',
      ]);
      expect([permission, check(permission, 'https://evil.example', { requestingUrl: 'https://evil.example/', isMainFrame: true })]).toEqual([permission, false]);
    }
    // A cross-origin subframe's check comes without its URL: the origin decides, and a subframe never gets it.
    expect(check('clipboard-sanitized-write', 'https://evil.example', { isMainFrame: false })).toBe(false);
    expect(check('clipboard-sanitized-write', 'app://slipway', { isMainFrame: false })).toBe(false);
    expect(session.deviceHandler!({ deviceType: 'usb', origin: 'app://slipway' })).toBe(false);
  });

  it("grants the clipboard to the dev server's page only while developing", () => {
    const devPage = rendererUrlCheck('http://localhost:5173/');
    expect(permissionAllowed('clipboard-sanitized-write', 'http://localhost:5173/', true, devPage)).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', APP_PAGE, true, devPage)).toBe(false);
    expect(permissionAllowed('clipboard-read', 'http://localhost:5173/', true, devPage)).toBe(false);
  });
});

describe('IPC (Electron checklist: validate the sender of every message)', () => {
  const eventFrom = (sender: unknown, senderFrame: { url: string } | null) => ({ sender, senderFrame }) as unknown as IpcMainInvokeEvent;
  const invoke = (event: IpcMainInvokeEvent, channel: string, payload?: unknown) => fake.ipcMain.handlers.get(channel)!(event, payload);

  it('handles exactly the calls of the contract', () => {
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual([...callChannels].sort());
  });

  it("answers our window's main frame, and refuses other contents and subframes before any handler runs", async () => {
    const contents = mainWindow().webContents;
    const before = fake.core.calls;
    expect(await invoke(eventFrom(contents, contents.mainFrame), 'slipway:engine:info')).toEqual({ ok: true, result: fake.engineInfo });
    expect(fake.core.calls).toBe(before + 1);

    const foreign = new fake.FakeWebContents();
    foreign.mainFrame.url = APP_PAGE;
    for (const event of [
      eventFrom(foreign, foreign.mainFrame), // not one of our windows (a devtools or other contents)
      eventFrom(contents, { url: APP_PAGE }), // a subframe of our page
      eventFrom(contents, null), // a frame that is gone
    ]) {
      expect(await invoke(event, 'slipway:engine:info')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    contents.mainFrame.url = 'https://evil.example/';
    try {
      expect(await invoke(eventFrom(contents, contents.mainFrame), 'slipway:engine:info')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    } finally {
      contents.mainFrame.url = APP_PAGE;
    }
    expect(fake.core.calls).toBe(before + 1);
  });
});

/** `"a b; c d"` -> { a: ['b'], c: ['d'] } */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('the Content-Security-Policy (electron/core/csp.ts)', () => {
  const variants = {
    electron: contentSecurityPolicy(),
    'electron with the dev server': contentSecurityPolicy(['ws://localhost:5173']),
    'web mode': contentSecurityPolicy(['ws://127.0.0.1:4000', 'ws://localhost:4000']),
  };

  it.each(Object.entries(variants))('%s: only our own scripts, no eval, no plugins, nothing by default', (_name, csp) => {
    const d = directives(csp);
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('form-action')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-eval|wasm-unsafe-eval|unsafe-hashes|strict-dynamic/);
    expect(d.has('script-src-elem') || d.has('script-src-attr') || d.has('worker-src') || d.has('frame-src')).toBe(false);
  });

  it.each(Object.entries(variants))('%s: no remote origin anywhere; loopback sockets only where asked for', (_name, csp) => {
    for (const [name, values] of directives(csp)) {
      for (const value of values) {
        const allowed = ["'self'", "'none'", "'unsafe-inline'", 'data:'].includes(value) || /^ws:\/\/(127\.0\.0\.1|localhost):\d+$/.test(value);
        expect(allowed, `${name} ${value}`).toBe(true);
      }
    }
    // Inline styles only (React sets style attributes); never inline or data: scripts.
    const d = directives(csp);
    expect(d.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect([...d].filter(([, values]) => values.includes("'unsafe-inline'")).map(([name]) => name)).toEqual(['style-src']);
    expect([...d].filter(([, values]) => values.includes('data:')).map(([name]) => name).sort()).toEqual(['font-src', 'img-src']);
  });
});
