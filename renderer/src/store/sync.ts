/**
 * Keeps the store in step with main: live batches from `onBuildEvents`, and catching up with
 * `buildList` + `buildEvents` on load, on reconnect, and whenever a batch shows a gap (its
 * `from` is past what we have). One fetch per build at a time; a batch that arrives during a
 * fetch and does not fit asks for one more round.
 */
import { bridge, onConnectionChange, unwrap } from '../bridge';
import type { BuildSummary } from '../../../shared/contract';
import { ingestBatch, rememberedBuild, selectBuild, setDockerfileText, upsertSummary, useBuilds } from './builds';
import { useEngine } from './engine';
import { toBridgeError } from './errors';
import { engineChoice } from '../engines/store';

const fetching = new Map<string, { again: boolean; done: Promise<void> }>();

/** Fetches the build's events from the last one we have; resolves when we are level. */
export function requestEvents(buildId: string): Promise<void> {
  const running = fetching.get(buildId);
  if (running) {
    running.again = true;
    return running.done;
  }
  const entry = { again: true, done: Promise.resolve() };
  entry.done = (async () => {
    try {
      for (let rounds = 0; entry.again && rounds < 20; rounds++) {
        entry.again = false;
        const from = useBuilds.getState().builds[buildId]?.seq ?? 0;
        const batch = await unwrap(bridge().buildEvents({ buildId, from }));
        if (ingestBatch(batch) !== undefined) entry.again = true;
      }
    } catch (err) {
      console.warn(`Slipway: could not fetch the events of build ${buildId}:`, toBridgeError(err).message);
    } finally {
      fetching.delete(buildId);
    }
  })();
  fetching.set(buildId, entry);
  return entry.done;
}

/** Every build main knows, with all its events. */
export async function catchUp(): Promise<void> {
  const list = await unwrap(bridge().buildList());
  for (const summary of list) upsertSummary(summary);
  await Promise.all(list.map((s) => requestEvents(s.buildId)));
}

/** Reads the Dockerfile of a build that this page did not start (after a reload, a retry). */
const reading = new Set<string>();
export async function ensureDockerfileText(summary: BuildSummary): Promise<void> {
  if (useBuilds.getState().texts[summary.buildId] || reading.has(summary.buildId)) return;
  reading.add(summary.buildId);
  try {
    const { context, dockerfile, target, buildArgs } = summary.request;
    // The outline when it parses; the bare text when it does not (the error is shown at its line).
    const { text } = await unwrap(bridge().dockerfileOutline({ context, dockerfile, ...(target ? { target } : {}), buildArgs })).catch(() =>
      unwrap(bridge().dockerfileRead({ context, dockerfile })),
    );
    setDockerfileText(summary.buildId, { text, reread: true });
  } catch {
    // The file is gone or broken now: the panel says it cannot show it.
  } finally {
    reading.delete(summary.buildId);
  }
}

/** Wires the live events and catches up. Returns the unsubscribe (for tests and hot reload). */
export function startSync(): () => void {
  const api = bridge();
  const offs = [
    api.onBuildEvents((batch) => {
      if (ingestBatch(batch) !== undefined) void requestEvents(batch.buildId);
    }),
    api.onBuildSummary((summary) => upsertSummary(summary)),
  ];

  const initial = catchUp()
    .then(() => {
      const remembered = rememberedBuild();
      if (remembered && useBuilds.getState().summaries[remembered] && useBuilds.getState().selectedBuildId === null) selectBuild(remembered);
    })
    .catch((err: unknown) => console.warn('Slipway: could not load the builds:', toBridgeError(err).message))
    .finally(() => useEngine.setState({ caughtUp: true }));

  syncing = initial;
  void checkEngine();
  return () => {
    syncing = null;
    offs.forEach((off) => off());
  };
}

let syncing: Promise<void> | null = null;
let everOpen = false;

/**
 * Hears web mode's connection (call it as soon as the bridge exists, so no change is missed):
 * shown in the top bar; when it comes back after a drop, events may have been missed, so the
 * store catches up (duplicates are skipped, gaps filled).
 */
export function watchConnection(): void {
  if (window.slipway) {
    useEngine.setState({ connection: 'ipc' });
    return;
  }
  onConnectionChange((state) => {
    useEngine.setState({ connection: state });
    if (state !== 'open') return;
    if (everOpen && syncing) void syncing.then(catchUp).catch(() => {});
    everOpen = true;
    void checkEngine();
  });
}

let engineTimer: ReturnType<typeof setTimeout> | undefined;
/** Asks for the engine; while it is unavailable, asks again every few seconds. */
export async function checkEngine(): Promise<void> {
  clearTimeout(engineTimer);
  try {
    const asked = engineChoice();
    const info = await unwrap(bridge().engineInfo(asked));
    // The user chose another engine meanwhile: its own check answers.
    if (asked?.engine !== engineChoice()?.engine) return;
    useEngine.setState({ engine: { kind: 'ready', info } });
  } catch (err) {
    const error = toBridgeError(err);
    if (error.code === 'DISCONNECTED') return; // the reconnect asks again
    useEngine.setState({ engine: error.code === 'ENGINE_UNAVAILABLE' ? { kind: 'unavailable', error } : { kind: 'error', error } });
    engineTimer = setTimeout(() => void checkEngine(), 5000);
  }
}
