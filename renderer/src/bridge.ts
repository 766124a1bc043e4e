import type { BridgeError, Envelope, SlipwayApi } from '../../shared/contract';

declare global {
  interface Window {
    slipway?: SlipwayApi;
  }
}

/** The main process's API, from the preload (Electron) or the web transport. */
export function bridge(): SlipwayApi {
  if (!window.slipway) throw new Error('Slipway bridge missing: open this page from the Slipway app.');
  return window.slipway;
}

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
