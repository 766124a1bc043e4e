/** Calls into the app's core as the window makes them: through the same dispatch, typed by the contract. */
import type { Core } from '../../../electron/core/app-core';
import { dispatch } from '../../../electron/core/dispatch';
import type { BuildSummary, CallChannel, Envelope, RequestOf, ResponseOf } from '../../../shared/contract';
import type { BuildEvent } from '../../../shared/events';

/** The envelope as the window gets it: a result, or an error with its code. */
export async function call<C extends CallChannel>(core: Core, channel: C, request?: RequestOf<C>): Promise<Envelope<ResponseOf<C>>> {
  return (await dispatch(core.handlers, channel, request)) as Envelope<ResponseOf<C>>;
}

/** The result of a call that must succeed; its error code and message otherwise. */
export async function ok<C extends CallChannel>(core: Core, channel: C, request?: RequestOf<C>): Promise<ResponseOf<C>> {
  const envelope = await call(core, channel, request);
  if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.code} ${envelope.error.message}`);
  return envelope.result;
}

/** Starts a build as the window does and resolves once it has finished (from the summary events), with its events. */
export async function buildThroughCore(core: Core, request: RequestOf<'slipway:build:start'>): Promise<{ summary: BuildSummary; events: BuildEvent[] }> {
  let id = '';
  const done = new Promise<BuildSummary>((resolve) => {
    const off = core.subscribe((channel, payload) => {
      if (channel !== 'slipway:build:summary') return;
      const summary = payload as BuildSummary;
      if (summary.buildId === id && summary.status !== 'running') {
        off();
        resolve({ ...summary });
      }
    });
  });
  id = (await ok(core, 'slipway:build:start', request)).buildId;
  const summary = await done;
  const events = (await ok(core, 'slipway:build:events', { buildId: id, from: 0 })).events;
  return { summary, events };
}

/** The images a build made (not cache hits): what a test removes afterwards. */
export const madeImages = (events: readonly BuildEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'step-done' && !e.cached && e.imageId ? [e.imageId] : []));
