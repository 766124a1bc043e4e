import {
  calls,
  isCallChannel,
  type BridgeError,
  type CallChannel,
  type Envelope,
  type RequestOf,
  type ResponseOf,
} from '../../shared/contract';
import { DockerfileError } from '../builder/errors';
import { EndpointError } from '../docker/endpoints';
import { EngineUnavailableError, isEngineConnectionError } from '../docker/engine';
import { NotFoundError } from './builds';
import { HistoryRefusal } from './history-record';

/** What main implements: one async function per call of the contract. */
export type Handlers = { [C in CallChannel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> };

/**
 * Runs one call from a renderer: the channel must be known and the payload must have the
 * declared shape; whatever happens, the answer is an envelope, never a thrown error.
 */
export async function dispatch(handlers: Handlers, channel: unknown, payload: unknown): Promise<Envelope<unknown>> {
  if (!isCallChannel(channel)) return failure({ code: 'UNKNOWN_CHANNEL', message: `Unknown call: ${String(channel)}` });
  if (!calls[channel].request(payload)) {
    return failure({ code: 'BAD_REQUEST', message: `Malformed request for ${channel}` });
  }
  try {
    const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
    return { ok: true, result: await handler(payload) };
  } catch (err) {
    return failure(toBridgeError(err));
  }
}

export function failure(error: BridgeError): Envelope<never> {
  return { ok: false, error };
}

export function toBridgeError(err: unknown): BridgeError {
  if (err instanceof DockerfileError) {
    return { code: 'DOCKERFILE', message: err.message, ...(err.range ? { location: err.range } : {}) };
  }
  if (err instanceof EngineUnavailableError) return { code: 'ENGINE_UNAVAILABLE', message: err.message };
  if (err instanceof EndpointError) return { code: 'ENGINE_UNAVAILABLE', message: err.message };
  if (err instanceof NotFoundError) return { code: 'NOT_FOUND', message: err.message };
  if (err instanceof HistoryRefusal) return { code: 'BAD_REQUEST', message: err.message };
  if (isEngineConnectionError(err)) return { code: 'ENGINE_UNAVAILABLE', message: new EngineUnavailableError(err).message };
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
