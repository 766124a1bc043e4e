import {
  callChannels,
  eventChannels,
  listenerName,
  methodName,
  type CallChannel,
  type Envelope,
  type EventChannel,
  type SlipwayApi,
} from '../../../shared/contract';
import { parseServerMessage } from './protocol';
import { ReconnectingSocket, type ConnectionState, type ReconnectOptions } from './reconnecting-socket';

export interface WebApi {
  /** The same shape as the preload's window.slipway, generated from the same contract. */
  api: SlipwayApi;
  /** Hears the connection open and drop (an open after a drop: events may have been missed). */
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}

/** Until the contract has a code of its own for it, a lost connection is INTERNAL. */
const disconnected: Envelope<never> = {
  ok: false,
  error: { code: 'DISCONNECTED', message: 'Not connected to Slipway (reconnecting); try again in a moment.' },
};

/**
 * window.slipway over web mode's WebSocket. Calls made while the first (or a new) connection
 * is being made wait for it; calls made while waiting to reconnect, and every call still
 * unanswered when the socket closes, resolve to an error envelope at once, never hang.
 */
export function createWebApi(url: string, options: ReconnectOptions = {}): WebApi {
  let nextId = 1;
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  const unsent: string[] = [];
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  const announce = () => stateListeners.forEach((listener) => listener(socket.state));

  const socket = new ReconnectingSocket(
    url,
    {
      open() {
        for (const text of unsent.splice(0)) socket.send(text);
        announce();
      },
      message(text) {
        const message = parseServerMessage(text);
        if (message?.kind === 'reply') {
          pending.get(message.id)?.(message.envelope);
          pending.delete(message.id);
        } else if (message?.kind === 'event') {
          for (const listener of listeners.get(message.event) ?? []) deliver(listener, message.payload);
        }
      },
      close() {
        unsent.length = 0;
        for (const resolve of pending.values()) resolve(disconnected);
        pending.clear();
        announce();
      },
    },
    options,
  );

  function call(channel: CallChannel, request: unknown): Promise<Envelope<unknown>> {
    if (socket.state !== 'open' && socket.state !== 'connecting') return Promise.resolve(disconnected);
    const id = nextId++;
    let text: string;
    try {
      text = JSON.stringify({ id, channel, payload: request });
    } catch (err) {
      return Promise.resolve({ ok: false, error: { code: 'BAD_REQUEST', message: `Request cannot be sent: ${(err as Error).message}` } });
    }
    return new Promise((resolve) => {
      pending.set(id, resolve);
      if (!socket.send(text)) unsent.push(text);
    });
  }

  function listen(channel: EventChannel, listener: (payload: unknown) => void): () => void {
    const set = listeners.get(channel) ?? new Set();
    listeners.set(channel, set);
    // Wrapped, so the same function added twice is two subscriptions, as with ipcRenderer.on.
    const entry = (payload: unknown) => listener(payload);
    set.add(entry);
    return () => set.delete(entry);
  }

  const api: Record<string, unknown> = {};
  for (const channel of callChannels) api[methodName(channel)] = (request?: unknown) => call(channel, request);
  for (const channel of eventChannels) api[listenerName(channel)] = (listener: (payload: unknown) => void) => listen(channel, listener);

  return {
    api: api as unknown as SlipwayApi,
    onConnectionChange(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    close: () => socket.close(),
  };
}

/** One listener's exception must not keep the event from the others. */
function deliver(listener: (payload: unknown) => void, payload: unknown): void {
  try {
    listener(payload);
  } catch (err) {
    console.error('Slipway event listener failed:', err);
  }
}
