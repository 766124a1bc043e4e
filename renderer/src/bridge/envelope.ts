import type { BridgeError, Envelope } from '../../../shared/contract';

/** An error that keeps the bridge's code and Dockerfile location. */
export class CallError extends Error {
  constructor(readonly error: BridgeError) {
    super(error.message);
  }
}

export async function unwrap<T>(call: Promise<Envelope<T>>): Promise<T> {
  const envelope = await call;
  if (!envelope.ok) throw new CallError(envelope.error);
  return envelope.result;
}
