/**
 * Web mode's wire format: JSON text frames over one WebSocket, the contract's calls and events
 * unchanged (renderer/src/bridge/web-api.ts speaks the other end).
 *   client -> server  { "id": n, "channel": "slipway:...", "payload": ... }
 *   server -> client  { "id": n, "envelope": { "ok": ..., ... } }   (id null: the message had none)
 *   server -> client  { "event": "slipway:...", "payload": ... }
 */
import type { Envelope, EventChannel } from '../../shared/contract';
import { isRecord } from '../../shared/validate';

/** Larger frames close the socket (WebSocket code 1009); no call needs anywhere near this. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export interface CallMessage {
  id: number;
  channel: unknown;
  payload: unknown;
}
export interface ReplyMessage {
  id: number | null;
  envelope: Envelope<unknown>;
}
export interface EventMessage {
  event: EventChannel;
  payload: unknown;
}

/** A call, or why the text is not one (and its id, when it had a usable one). */
export function parseCallMessage(text: string): CallMessage | { id: number | null; problem: string } {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { id: null, problem: 'Message is not JSON' };
  }
  if (!isRecord(message)) return { id: null, problem: 'Message is not an object' };
  const { id, channel, payload } = message;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return { id: null, problem: 'Message has no integer id' };
  if (Object.keys(message).some((key) => key !== 'id' && key !== 'channel' && key !== 'payload')) {
    return { id, problem: 'Message has fields other than id, channel and payload' };
  }
  return { id, channel, payload };
}
