/**
 * Web mode's wire format, the client's side (the server's is electron/web/protocol.ts; the
 * integration test runs this client against that server):
 *   client -> server  { "id": n, "channel": "slipway:...", "payload": ... }
 *   server -> client  { "id": n, "envelope": {...} }  or  { "event": "slipway:...", "payload": ... }
 */
import { events, type Envelope, type EventChannel } from '../../../shared/contract';
import { isRecord } from '../../../shared/validate';

export type ServerMessage = { kind: 'reply'; id: number; envelope: Envelope<unknown> } | { kind: 'event'; event: EventChannel; payload: unknown };

/** What the server said, or undefined for anything this client does not understand. */
export function parseServerMessage(text: string): ServerMessage | undefined {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(message)) return undefined;
  if (typeof message.id === 'number' && isRecord(message.envelope) && typeof message.envelope.ok === 'boolean') {
    return { kind: 'reply', id: message.id, envelope: message.envelope as Envelope<unknown> };
  }
  if (typeof message.event === 'string' && Object.hasOwn(events, message.event)) {
    return { kind: 'event', event: message.event as EventChannel, payload: message.payload };
  }
  return undefined;
}
