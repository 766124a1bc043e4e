import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DockerfileError } from '../../electron/builder/errors';
import type { EventListener } from '../../electron/core/app-core';
import { NotFoundError } from '../../electron/core/builds';
import type { Handlers } from '../../electron/core/dispatch';
import { wireIpc } from '../../electron/main/ipc';
import { APP_PAGE, appResponse } from '../../electron/main/app-protocol';
import { isTrustedSender, rendererUrlCheck } from '../../electron/main/trust';
import { StaticFiles } from '../../electron/web/static-files';
import { callChannels, eventChannels, listenerName, methodName, type BuildSummary } from '../../shared/contract';

// The preload imports 'electron', whose binary is not here: a fake that records what it is given.
const electron = vi.hoisted(() => ({
  exposed: new Map<string, Record<string, (...args: unknown[]) => unknown>>(),
  listeners: new Map<string, Set<(...args: unknown[]) => void>>(),
  invoke: vi.fn(async (channel: string, ...args: unknown[]) => ({ ok: true, result: { channel, args } })),
}));
vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: Record<string, (...args: unknown[]) => unknown>) => electron.exposed.set(key, api),
  },
  webUtils: { getPathForFile: (file: { path: string }) => file.path },
  ipcRenderer: {
    invoke: electron.invoke,
    on: (channel: string, listener: (...args: unknown[]) => void) => {
      const set = electron.listeners.get(channel) ?? new Set();
      electron.listeners.set(channel, set.add(listener));
    },
    removeListener: (channel: string, listener: (...args: unknown[]) => void) => electron.listeners.get(channel)?.delete(listener),
  },
}));

/** Electron's ipcMain as far as the glue uses it, plus `invoke` to play the renderer. */
class FakeIpcMain {
  readonly handlers = new Map<string, (event: IpcMainInvokeEvent, payload: unknown) => unknown>();
  handle(channel: string, listener: (event: IpcMainInvokeEvent, payload: unknown) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  async invoke(event: IpcMainInvokeEvent, channel: string, payload?: unknown): Promise<unknown> {
    const handler = this.handlers.get(channel);
    // What Electron answers the renderer for a channel nobody handles.
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, payload);
  }
}

const PAGE_URL = APP_PAGE;

/** A window's web contents with its main frame, and an IPC event from any of its frames. */
function fakeWindow(url = PAGE_URL) {
  const mainFrame = { url };
  const sender = { mainFrame } as unknown as WebContents;
  const eventFrom = (frame: { url: string } | null = mainFrame) => ({ sender, senderFrame: frame }) as unknown as IpcMainInvokeEvent;
  return { sender, mainFrame, eventFrom };
}

const info = { version: '27.0', apiVersion: '1.43', os: 'linux', arch: 'amd64' };

function setup(handlers: Partial<Handlers> = {}) {
  const ipcMain = new FakeIpcMain();
  const coreListeners = new Set<EventListener>();
  const core = {
    handlers: { 'slipway:engine:info': async () => info, ...handlers } as Handlers,
    subscribe(listener: EventListener) {
      coreListeners.add(listener);
      return () => coreListeners.delete(listener);
    },
  };
  const ours = fakeWindow();
  const ourWindows = new Set<WebContents>([ours.sender]);
  const rules = { isOurWindow: (wc: WebContents) => ourWindows.has(wc), isRendererUrl: rendererUrlCheck(undefined) };
  const sent: [string, unknown][] = [];
  const unwire = wireIpc(ipcMain, core, { isTrustedSender: (event) => isTrustedSender(event, rules) }, (channel, payload) => {
    sent.push([channel, payload]);
  });
  return { ipcMain, ours, ourWindows, sent, unwire, emit: (...args: Parameters<EventListener>) => coreListeners.forEach((l) => l(...args)) };
}

describe('IPC wiring (electron/main/ipc.ts)', () => {
  it('handles every call of the contract and nothing else', async () => {
    const { ipcMain, ours } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...callChannels].sort());
    await expect(ipcMain.invoke(ours.eventFrom(), 'slipway:nope:nope')).rejects.toThrow(/No handler registered/);
  });

  it("answers the main frame of our window with the handler's result", async () => {
    const { ipcMain, ours } = setup();
    expect(await ipcMain.invoke(ours.eventFrom(), 'slipway:engine:info')).toEqual({ ok: true, result: info });
  });

  it('refuses foreign senders with FORBIDDEN, before any handler runs', async () => {
    const engineInfo = vi.fn(async () => info);
    const { ipcMain, ours } = setup({ 'slipway:engine:info': engineInfo });
    const subframe = ours.eventFrom({ url: PAGE_URL });
    const notOurWindow = fakeWindow().eventFrom();
    const navigatedAway = fakeWindow('https://evil.example/');
    const frameGone = ours.eventFrom(null);
    const throwing = {
      get sender(): never {
        throw new Error('Object has been destroyed');
      },
    } as unknown as IpcMainInvokeEvent;
    for (const event of [subframe, notOurWindow, frameGone, throwing]) {
      expect(await ipcMain.invoke(event, 'slipway:engine:info')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    const { ipcMain: ipc2, ourWindows } = setup({ 'slipway:engine:info': engineInfo });
    ourWindows.add(navigatedAway.sender);
    expect(await ipc2.invoke(navigatedAway.eventFrom(), 'slipway:engine:info')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(engineInfo).not.toHaveBeenCalled();
  });

  it('rejects malformed payloads with BAD_REQUEST', async () => {
    const { ipcMain, ours } = setup();
    for (const [channel, payload] of [
      ['slipway:engine:info', { evil: true }],
      ['slipway:build:events', { buildId: 'b' }],
      ['slipway:build:events', { buildId: 'b', from: '0' }],
      ['slipway:context:inspect', { context: '/x', extra: 1 }],
      ['slipway:shell:resize', { shellId: 's', cols: 0, rows: 24 }],
    ] as const) {
      expect(await ipcMain.invoke(ours.eventFrom(), channel, payload)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
  });

  it('carries handler errors across as envelopes with code, message and location', async () => {
    const { ipcMain, ours } = setup({
      'slipway:dockerfile:outline': async () => {
        throw new DockerfileError('unknown instruction: RUNN', { start: 3, end: 4 });
      },
      'slipway:build:cancel': async () => {
        throw new NotFoundError('no build b1');
      },
      'slipway:build:list': async () => {
        throw new Error('boom');
      },
    });
    const event = ours.eventFrom();
    expect(await ipcMain.invoke(event, 'slipway:dockerfile:outline', { context: '/c', dockerfile: 'Dockerfile' })).toEqual({
      ok: false,
      error: { code: 'DOCKERFILE', message: 'unknown instruction: RUNN', location: { start: 3, end: 4 } },
    });
    expect(await ipcMain.invoke(event, 'slipway:build:cancel', { buildId: 'b1' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'no build b1' },
    });
    expect(await ipcMain.invoke(event, 'slipway:build:list')).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
  });

  it('forwards core events to the windows until unwired', () => {
    const { emit, sent, unwire, ipcMain } = setup();
    const summary = { buildId: 'b1', status: 'running' } as BuildSummary;
    emit('slipway:build:summary', summary);
    emit('slipway:shell:exit', { shellId: 's1', code: 0 });
    expect(sent).toEqual([
      ['slipway:build:summary', summary],
      ['slipway:shell:exit', { shellId: 's1', code: 0 }],
    ]);
    unwire();
    emit('slipway:shell:exit', { shellId: 's2', code: 1 });
    expect(sent).toHaveLength(2);
    expect(ipcMain.handlers.size).toBe(0);
  });
});

describe("the renderer's page (electron/main/trust.ts, app-protocol.ts)", () => {
  it("is Slipway's own app:// origin, whatever the path, query or hash", () => {
    const isPage = rendererUrlCheck(undefined);
    expect(isPage(APP_PAGE)).toBe(true);
    expect(isPage(`${APP_PAGE}?x=1#/builds`)).toBe(true);
    expect(isPage('app://other/index.html')).toBe(false);
    expect(isPage('file:///opt/Slipway/resources/out/renderer/index.html')).toBe(false);
    expect(isPage('https://slipway/index.html')).toBe(false);
    expect(isPage('not a url')).toBe(false);
  });

  it("is the dev server's origin while developing", () => {
    const isPage = rendererUrlCheck('http://localhost:5173/');
    expect(isPage('http://localhost:5173/some/route')).toBe(true);
    expect(isPage('http://localhost:5174/')).toBe(false);
    expect(isPage(APP_PAGE)).toBe(false);
  });

  it('serves the page and assets with the CSP, and nothing else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-app-protocol-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Slipway</title>');
    await writeFile(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    await writeFile(join(dir, 'secret.txt'), 'no');
    const files = await StaticFiles.open(dir);
    const page = await appResponse(files, APP_PAGE, "default-src 'none'");
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>Slipway</title>');
    const asset = await appResponse(files, 'app://slipway/assets/index-abc.js', "default-src 'none'");
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    for (const url of ['app://slipway/secret.txt', 'app://slipway/assets/../secret.txt', 'app://slipway/assets/%2e%2e/secret.txt', 'app://evil/index.html']) {
      const denied = await appResponse(files, url, "default-src 'none'");
      expect(denied.status, url).toBe(404);
      expect(denied.headers.get('content-security-policy')).toBe("default-src 'none'");
    }
  });
});

describe('preload (electron/preload/index.ts)', () => {
  beforeEach(async () => {
    if (!electron.exposed.has('slipway')) await import('../../electron/preload/index');
    electron.invoke.mockClear();
  });
  const api = () => electron.exposed.get('slipway')!;

  it('exposes exactly one method per call and one onX per event, all functions, nothing else', () => {
    expect([...electron.exposed.keys()]).toEqual(['slipway', 'slipwayFiles']);
    const expected = [...callChannels.map(methodName), ...eventChannels.map(listenerName)];
    expect(new Set(expected).size).toBe(callChannels.length + eventChannels.length);
    expect(Object.keys(api()).sort()).toEqual(expected.sort());
    for (const member of Object.values(api())) expect(typeof member).toBe('function');
  });

  it('turns each method into an invoke of its own channel with the request alone', async () => {
    for (const channel of callChannels) {
      const request = { probe: channel };
      expect(await api()[methodName(channel)]!(request, 'ignored extra argument')).toEqual({
        ok: true,
        result: { channel, args: [request] },
      });
    }
    expect(electron.invoke).toHaveBeenCalledTimes(callChannels.length);
  });

  it("hands listeners the payload only (never the IPC event), and unsubscribes", () => {
    const heard: unknown[] = [];
    const unsubscribe = api().onBuildSummary!((payload: unknown) => heard.push(payload)) as () => void;
    const registered = [...(electron.listeners.get('slipway:build:summary') ?? [])];
    expect(registered).toHaveLength(1);
    registered[0]!({ sender: 'the ipc event' }, { buildId: 'b1' });
    expect(heard).toEqual([{ buildId: 'b1' }]);
    unsubscribe();
    expect(electron.listeners.get('slipway:build:summary')?.size).toBe(0);
  });
});
