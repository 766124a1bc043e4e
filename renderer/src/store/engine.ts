/** The Docker engine as the app sees it, and (web mode) the connection to Slipway itself. */
import { create } from 'zustand';
import type { BridgeError, EngineInfo } from '../../../shared/contract';
import type { ConnectionState } from '../bridge';

export type EngineState =
  | { kind: 'checking' }
  | { kind: 'ready'; info: EngineInfo }
  /** ENGINE_UNAVAILABLE: no engine answers; the message says where it looked and what to do. */
  | { kind: 'unavailable'; error: BridgeError }
  | { kind: 'error'; error: BridgeError };

export interface EngineStore {
  engine: EngineState;
  connection: ConnectionState | 'ipc';
  /** Set once the page has caught up with the builds main knows. */
  caughtUp: boolean;
}

export const useEngine = create<EngineStore>()(() => ({ engine: { kind: 'checking' }, connection: 'connecting', caughtUp: false }));
