import type { BridgeError } from '../../../shared/contract';
import { CallError } from '../bridge';

/** Any thrown thing as the bridge's error shape, so every error is shown the same way. */
export function toBridgeError(err: unknown): BridgeError {
  if (err instanceof CallError) return err.error;
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
