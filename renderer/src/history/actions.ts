/**
 * What the history page does through the bridge: list, reopen (the events replayed into the
 * builds store, as after a reload), export to a file, import from one (in parts), delete.
 */
import type { BuildSummary } from '../../../shared/contract';
import { IMPORT_PART_CHARS } from '../../../shared/history';
import { bridge, unwrap } from '../bridge';
import { selectBuild, setDockerfileText, upsertSummary, useBuilds } from '../store/builds';
import { toBridgeError } from '../store/errors';
import { requestEvents } from '../store/sync';
import { togglePick, useHistory, withEntry } from './store';

const set = useHistory.setState;
const get = useHistory.getState;

export function showHistory(): void {
  set({ shown: true });
  void loadHistory();
}

export function hideHistory(): void {
  set({ shown: false, comparing: null });
}

let loading = 0;
export async function loadHistory(): Promise<void> {
  const ticket = ++loading;
  set({ loading: true });
  try {
    const entries = await unwrap(bridge().historyList());
    if (ticket === loading) set({ entries, loading: false, error: null });
  } catch (err) {
    if (ticket === loading) set({ loading: false, error: toBridgeError(err) });
  }
}

/** A summary event while the page is open: a build started or finished. */
export function noteSummary(summary: BuildSummary): void {
  const entries = get().entries;
  if (entries) set({ entries: withEntry(entries, summary) });
}

/** Reopens a build in the workspace: its summary, its Dockerfile as built, all its events. */
export async function openPastBuild(buildId: string): Promise<void> {
  try {
    const past = await unwrap(bridge().historyOpen({ buildId }));
    upsertSummary(past.summary);
    if (past.dockerfile !== undefined) setDockerfileText(buildId, { text: past.dockerfile, reread: false });
    // Events first: the workspace then shows the build whole, not "starting" for a moment.
    await requestEvents(buildId);
    selectBuild(buildId);
    hideHistory();
  } catch (err) {
    set({ notice: { kind: 'error', text: `Could not open build ${buildId}: ${toBridgeError(err).message}` } });
  }
}

/** Saves the build's record as a file (the browser's or Electron's download). */
export async function exportBuild(buildId: string): Promise<void> {
  try {
    const record = await unwrap(bridge().historyExport({ buildId }));
    const url = URL.createObjectURL(new Blob([JSON.stringify(record)], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `slipway-build-${buildId}.json`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (err) {
    set({ notice: { kind: 'error', text: `Could not export build ${buildId}: ${toBridgeError(err).message}` } });
  }
}

/** Sends a record file to main in parts; main checks it whole and answers the imported build. */
export async function importRecordFile(file: File): Promise<BuildSummary | null> {
  set({ importing: true, notice: null });
  try {
    const text = await file.text();
    const uploadId = crypto.randomUUID();
    const parts = Math.max(1, Math.ceil(text.length / IMPORT_PART_CHARS));
    let summary: BuildSummary | null = null;
    for (let part = 0; part < parts; part++) {
      const slice = text.slice(part * IMPORT_PART_CHARS, (part + 1) * IMPORT_PART_CHARS);
      summary = await unwrap(bridge().historyImport({ uploadId, part, parts, text: slice }));
    }
    if (!summary) throw new Error('Slipway did not answer the import.');
    const entries = get().entries ?? [];
    set({ entries: withEntry(entries, summary), importing: false, notice: { kind: 'ok', text: `Imported ${file.name} as build ${summary.buildId}.` } });
    return summary;
  } catch (err) {
    set({ importing: false, notice: { kind: 'error', text: `Could not import ${file.name}: ${toBridgeError(err).message}` } });
    return null;
  }
}

/** Deletes a finished build and its files, and forgets it here. */
export async function deleteBuild(buildId: string): Promise<void> {
  try {
    await unwrap(bridge().historyDelete({ buildId }));
    const { entries, picked, comparing } = get();
    set({
      entries: entries?.filter((e) => e.buildId !== buildId) ?? null,
      picked: picked.filter((id) => id !== buildId),
      comparing: comparing?.includes(buildId) ? null : comparing,
      notice: { kind: 'ok', text: `Deleted build ${buildId}.` },
    });
    forgetBuild(buildId);
  } catch (err) {
    set({ notice: { kind: 'error', text: `Could not delete build ${buildId}: ${toBridgeError(err).message}` } });
  }
}

function forgetBuild(buildId: string): void {
  if (useBuilds.getState().selectedBuildId === buildId) selectBuild(null);
  useBuilds.setState((state) => {
    const without = <T,>(record: Readonly<Record<string, T>>) => Object.fromEntries(Object.entries(record).filter(([id]) => id !== buildId));
    return { summaries: without(state.summaries), builds: without(state.builds), texts: without(state.texts) };
  });
}

export function pick(buildId: string): void {
  set({ picked: togglePick(get().picked, buildId) });
}

/** Shows the two picked builds side by side, the older first; their events are fetched. */
export function comparePicked(): void {
  const { picked, entries } = get();
  if (picked.length !== 2 || !entries) return;
  const [a, b] = picked.map((id) => entries.find((e) => e.buildId === id)!);
  if (!a || !b) return;
  const [older, newer] = a.startedAt <= b.startedAt ? [a, b] : [b, a];
  set({ comparing: [older.buildId, newer.buildId] });
  void requestEvents(older.buildId);
  void requestEvents(newer.buildId);
}

export function closeComparison(): void {
  set({ comparing: null });
}

export function dismissNotice(): void {
  set({ notice: null });
}
