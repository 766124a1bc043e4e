import { WebSocket, type RawData } from 'ws';
import type { Core } from '../core/app-core';
import { dispatch, failure } from '../core/dispatch';
import { parseCallMessage, type EventMessage, type ReplyMessage } from './protocol';

/**
 * One browser connection: answers its calls through the same dispatch as IPC and pushes every
 * core event to it until it closes. Nothing a client sends can throw out of here.
 */
export function serveSocket(socket: WebSocket, core: Pick<Core, 'handlers' | 'subscribe'>): void {
  const send = (message: ReplyMessage | EventMessage) => {
    const text = serialize(message);
    if (text !== undefined && socket.readyState === WebSocket.OPEN) socket.send(text);
  };

  const unsubscribe = core.subscribe((event, payload) => send({ event, payload }));
  socket.on('close', unsubscribe);
  // Oversized frames and protocol errors arrive here; ws then closes the socket itself.
  socket.on('error', () => {});

  socket.on('message', (data: RawData, isBinary: boolean) => {
    void answer(data, isBinary).then(send);
  });

  async function answer(data: RawData, isBinary: boolean): Promise<ReplyMessage> {
    if (isBinary) return { id: null, envelope: badRequest('Binary messages are not accepted') };
    const message = parseCallMessage(rawText(data));
    if ('problem' in message) return { id: message.id, envelope: badRequest(message.problem) };
    return { id: message.id, envelope: await dispatch(core.handlers, message.channel, message.payload) };
  }
}

const badRequest = (message: string) => failure({ code: 'BAD_REQUEST', message });

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/**
 * A result that cannot become JSON (a cycle, a BigInt) turns into an error envelope, not a
 * crash; such an event is dropped (there is no one to answer).
 */
function serialize(message: ReplyMessage | EventMessage): string | undefined {
  try {
    return JSON.stringify(message);
  } catch (err) {
    if (!('id' in message)) return undefined;
    return JSON.stringify({ id: message.id, envelope: failure({ code: 'INTERNAL', message: `Unserializable answer: ${(err as Error).message}` }) });
  }
}
