/**
 * Everything a renderer talks to, without Electron: the engine, the build manager, the call
 * handlers, and one event hub that every transport (IPC windows, web mode sockets) listens to.
 */
import type Docker from 'dockerode';
import type { EventChannel, PayloadOf } from '../../shared/contract';
import { BuildManager } from './builds';
import type { Handlers } from './dispatch';
import { createHandlers } from './handlers';
import { EnginePool } from './engine-pool';
import { slipwayHome } from './paths';

export type EventListener = <E extends EventChannel>(channel: E, payload: PayloadOf<E>) => void;

export interface Core {
  handlers: Handlers;
  builds: BuildManager;
  /** Every event for renderers; returns the unsubscribe. */
  subscribe(listener: EventListener): () => void;
  shutdown(): Promise<void>;
}

/** `docker`: the current engine's client (default: what `docker` alone would use); contexts name others. */
export function createCore(docker?: Docker, home = slipwayHome()): Core {
  const engines = new EnginePool(home, docker);
  const listeners = new Set<EventListener>();
  const broadcast: EventListener = (channel, payload) => {
    for (const listener of listeners) listener(channel, payload);
  };
  const builds = new BuildManager(engines, home, {
    events: (batch) => broadcast('slipway:build:events', batch),
    summary: (summary) => broadcast('slipway:build:summary', summary),
    shellOutput: (shellId, data) => broadcast('slipway:shell:output', { shellId, data }),
    shellExit: (shellId, code) => broadcast('slipway:shell:exit', { shellId, code }),
  });
  try {
    engines.handle(); // connects (and sweeps) the current engine now; a broken context says so when asked
  } catch {
    // reported by engine:info
  }
  return {
    handlers: createHandlers(engines, builds, home),
    builds,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    shutdown: () => builds.shutdown(),
  };
}
