/**
 * Everything a renderer talks to, without Electron: the engine, the build manager, the call
 * handlers, and one event hub that every transport (IPC windows, web mode sockets) listens to.
 */
import type Docker from 'dockerode';
import type { EventChannel, PayloadOf } from '../../shared/contract';
import { connectEngine } from '../docker/engine';
import { BuildManager } from './builds';
import type { Handlers } from './dispatch';
import { createHandlers } from './handlers';
import { slipwayHome } from './paths';
import { sweepLeftovers } from './sweep';

export type EventListener = <E extends EventChannel>(channel: E, payload: PayloadOf<E>) => void;

export interface Core {
  handlers: Handlers;
  builds: BuildManager;
  /** Every event for renderers; returns the unsubscribe. */
  subscribe(listener: EventListener): () => void;
  shutdown(): Promise<void>;
}

export function createCore(docker: Docker = connectEngine(), home = slipwayHome()): Core {
  const listeners = new Set<EventListener>();
  const broadcast: EventListener = (channel, payload) => {
    for (const listener of listeners) listener(channel, payload);
  };
  const builds = new BuildManager(docker, home, {
    events: (batch) => broadcast('slipway:build:events', batch),
    summary: (summary) => broadcast('slipway:build:summary', summary),
    shellOutput: (shellId, data) => broadcast('slipway:shell:output', { shellId, data }),
    shellExit: (shellId, code) => broadcast('slipway:shell:exit', { shellId, code }),
  });
  // Leftovers of builds that died with an earlier process; an engine that is down is not an error here.
  void sweepLeftovers(docker).catch(() => {});
  return {
    handlers: createHandlers(docker, builds),
    builds,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    shutdown: () => builds.shutdown(),
  };
}
