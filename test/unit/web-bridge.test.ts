import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { callChannels, eventChannels, listenerName, methodName, type Envelope, type SlipwayApi } from '../../shared/contract';
import { loadWebApi } from '../helpers/web-bridge';

/** A WebSocket the test drives by hand: open it, feed it frames, drop it. */
class FakeSocket {
  static made: FakeSocket[] = [];
  readyState = 0;
  readonly sent: unknown[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  send(text: string): void {
    this.sent.push(JSON.parse(text));
  }
  close(): void {
    this.drop();
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({});
  }
}
const latest = () => FakeSocket.made.at(-1)!;

const SOCKET_URL = 'ws://127.0.0.1:1234/ws?token=t';
const { createWebApi } = await loadWebApi();
const connect = () => createWebApi(SOCKET_URL, { openSocket: (url) => new FakeSocket(url), firstDelayMs: 100, maxDelayMs: 400 });
const call = (api: SlipwayApi) => api.engineInfo();

beforeEach(() => {
  FakeSocket.made = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('web bridge (renderer/src/bridge/web-api.ts)', () => {
  it('has the same members as the preload: one method per call, one onX per event', () => {
    const { api, close } = connect();
    const expected = [...callChannels.map(methodName), ...eventChannels.map(listenerName)].sort();
    expect(Object.keys(api).sort()).toEqual(expected);
    close();
  });

  it('queues calls until the socket opens, then matches answers to calls by id', async () => {
    const { api, close } = connect();
    const info = call(api);
    const events = api.buildEvents({ buildId: 'b1', from: 0 });
    expect(latest().url).toBe(SOCKET_URL);
    expect(latest().sent).toEqual([]);
    latest().open();
    expect(latest().sent).toEqual([
      { id: 1, channel: 'slipway:engine:info' },
      { id: 2, channel: 'slipway:build:events', payload: { buildId: 'b1', from: 0 } },
    ]);
    // Answers may come in any order.
    latest().receive({ id: 2, envelope: { ok: false, error: { code: 'NOT_FOUND', message: 'no build b1' } } });
    latest().receive({ id: 1, envelope: { ok: true, result: { version: '27' } } });
    expect(await info).toEqual({ ok: true, result: { version: '27' } });
    expect(await events).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'no build b1' } });
    close();
  });

  it('hands events to the listeners of that channel only, until they unsubscribe', () => {
    const { api, close } = connect();
    latest().open();
    const summaries: unknown[] = [];
    const exits: unknown[] = [];
    const stop = api.onBuildSummary((s) => summaries.push(s));
    api.onShellExit((e) => exits.push(e));
    latest().receive({ event: 'slipway:build:summary', payload: { buildId: 'b1' } });
    latest().receive({ event: 'slipway:not:an-event', payload: {} });
    latest().receive('not even an object');
    stop();
    latest().receive({ event: 'slipway:build:summary', payload: { buildId: 'b2' } });
    expect(summaries).toEqual([{ buildId: 'b1' }]);
    expect(exits).toEqual([]);
    close();
  });

  it("keeps delivering an event to the other listeners when one throws", () => {
    const { api, close } = connect();
    latest().open();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const heard: unknown[] = [];
    api.onShellOutput(() => {
      throw new Error('listener bug');
    });
    api.onShellOutput((payload) => heard.push(payload));
    latest().receive({ event: 'slipway:shell:output', payload: { shellId: 's', data: 'x' } });
    expect(heard).toEqual([{ shellId: 's', data: 'x' }]);
    expect(error).toHaveBeenCalledOnce();
    error.mockRestore();
    close();
  });

  it('resolves unanswered calls to error envelopes on disconnect and reconnects with growing pauses', async () => {
    const { api, onConnectionChange, close } = connect();
    const states: string[] = [];
    onConnectionChange((state) => states.push(state));
    latest().open();
    const unanswered = call(api);
    latest().drop();
    const lost = (await unanswered) as Envelope<unknown>;
    expect(lost.ok).toBe(false);
    expect(!lost.ok && lost.error.message).toMatch(/Not connected/);

    // Waiting to reconnect: calls fail at once instead of hanging.
    expect((await call(api)).ok).toBe(false);
    expect(FakeSocket.made).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(FakeSocket.made).toHaveLength(2);
    latest().drop(); // the server is still down
    vi.advanceTimersByTime(199);
    expect(FakeSocket.made).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.made).toHaveLength(3);

    // Back: calls made while connecting go out once it opens, and work again.
    const again = call(api);
    latest().open();
    latest().receive({ id: (latest().sent[0] as { id: number }).id, envelope: { ok: true, result: 'back' } });
    expect(await again).toEqual({ ok: true, result: 'back' });
    expect(states).toEqual(['open', 'waiting', 'waiting', 'open']);
    close();
  });

  it('caps the pause between attempts, and stops for good on close', () => {
    const { close } = connect();
    for (const pause of [100, 200, 400, 400]) {
      latest().drop();
      const before = FakeSocket.made.length;
      vi.advanceTimersByTime(pause);
      expect(FakeSocket.made.length).toBe(before + 1);
    }
    close();
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.made).toHaveLength(5);
  });
});
