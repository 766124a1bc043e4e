/**
 * Build history: every build's summary on disk next to its event log, so a new Slipway (after a
 * restart, on the same home) lists the builds before it and reopens any of them — graph, logs,
 * steps, timings all come back from the events. A build whose process died mid-build has its
 * log closed (steps cancelled, the build finished as cancelled) and shows as interrupted.
 */
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import type { BuildSummary } from '../../shared/contract';
import type { BuildEvent } from '../../shared/events';
import { emptyTally, tallyEvent, type BuildRecord, type ImportPart, type PastBuild } from '../../shared/history';
import { processOwner } from '../docker/containers';
import { NotFoundError } from './errors';
import {
  appendEvents,
  buildFiles,
  readEvents,
  readSummaries,
  removeBuildFiles,
  writeAtomically,
  writeSummary,
  type StoredSummary,
} from './history-files';
import { fromRecord, newBuildId, HistoryRefusal, RecordUploads, toRecord } from './history-record';
import { isAliveOwner } from './owner';

/** Builds running in this process, whichever BuildHistory records them (several cores share a process in tests). */
const runningHere = new Set<string>();

/** One build being recorded: counts its events, writes its summary as it starts and ends. */
export interface BuildRecorder {
  observe(event: BuildEvent): void;
  /** Call with the summary's final status set; resolves when the summary is on disk. */
  finish(): Promise<void>;
}

export class BuildHistory {
  private readonly entries = new Map<string, StoredSummary>();
  private readonly loaded: Promise<void>;
  private readonly uploads = new RecordUploads();

  constructor(readonly dir: string) {
    this.loaded = this.load();
  }

  /**
   * Starts recording a build: its summary (mutated by the caller and by `finish`) and its
   * Dockerfile's text, read now — the build reads the same file a moment later.
   */
  async record(summary: BuildSummary, dockerfilePath: string): Promise<BuildRecorder> {
    await this.loaded;
    const stored: StoredSummary = { summary, owner: processOwner() };
    this.entries.set(summary.buildId, stored);
    runningHere.add(summary.buildId);
    const files = buildFiles(this.dir, summary.buildId);
    const tally = emptyTally();
    let finished: { time: number; durationMs: number } | undefined;
    // Read before the build starts (and reads it): what it builds is what is kept.
    const text = await readFile(dockerfilePath, 'utf8').catch(() => undefined);
    // Writes in order: the final summary never loses to the first one.
    let writing = Promise.all([text !== undefined ? writeFile(files.dockerfile, text) : undefined, writeSummary(this.dir, stored)]).then(() => {}, warn);
    return {
      observe(event) {
        tallyEvent(tally, event);
        if (event.type === 'build-finished') finished = { time: event.time, durationMs: event.durationMs };
      },
      finish: () => {
        // The build's own clock when it said so (what its header shows), else ours.
        summary.finishedAt = finished?.time ?? Date.now();
        summary.durationMs = finished?.durationMs ?? summary.finishedAt - summary.startedAt;
        summary.steps = { ...tally };
        runningHere.delete(summary.buildId);
        writing = writing.then(() => writeSummary(this.dir, stored)).catch(warn);
        return writing;
      },
    };
  }

  /** Every build on record, newest first. */
  async list(): Promise<BuildSummary[]> {
    await this.loaded;
    return [...this.entries.values()].map((e) => e.summary).sort((a, b) => b.startedAt - a.startedAt);
  }

  async summary(buildId: string): Promise<BuildSummary> {
    await this.loaded;
    const entry = this.entries.get(buildId);
    if (!entry) throw new NotFoundError(`no build ${buildId} in the history`);
    return entry.summary;
  }

  async open(buildId: string): Promise<PastBuild> {
    const summary = await this.summary(buildId);
    const dockerfile = await readFile(buildFiles(this.dir, buildId).dockerfile, 'utf8').catch(() => undefined);
    return { summary, ...(dockerfile !== undefined ? { dockerfile } : {}) };
  }

  async events(buildId: string, from: number): Promise<BuildEvent[]> {
    await this.summary(buildId);
    return readEvents(buildFiles(this.dir, buildId).log, from);
  }

  async export(buildId: string, now = Date.now()): Promise<BuildRecord> {
    const { summary, dockerfile } = await this.open(buildId);
    if (summary.status === 'running') throw new HistoryRefusal('The build is still running: export it when it has finished.');
    return toRecord(summary, dockerfile, await this.events(buildId, 0), now);
  }

  /** One part of a record file; the last one imports it and answers its summary. */
  async import(part: ImportPart): Promise<BuildSummary | null> {
    await this.loaded;
    const value = this.uploads.accept(part);
    if (value === undefined) return null;
    const { summary, dockerfile, events } = fromRecord(value, newBuildId());
    const files = buildFiles(this.dir, summary.buildId);
    await mkdir(this.dir, { recursive: true });
    await writeAtomically(files.log, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    if (dockerfile !== undefined) await writeFile(files.dockerfile, dockerfile);
    const stored: StoredSummary = { summary, owner: processOwner() };
    await writeSummary(this.dir, stored);
    this.entries.set(summary.buildId, stored);
    return summary;
  }

  async remove(buildId: string): Promise<void> {
    const summary = await this.summary(buildId);
    if (summary.status === 'running') throw new HistoryRefusal('The build is running: cancel it before deleting it.');
    this.entries.delete(buildId);
    await removeBuildFiles(this.dir, buildId);
  }

  private async load(): Promise<void> {
    for (const stored of await readSummaries(this.dir)) {
      const id = stored.summary.buildId;
      if (this.entries.has(id)) continue;
      this.entries.set(id, stored);
      if (stored.summary.status === 'running' && !runningHere.has(id) && (stored.owner === processOwner() || !isAliveOwner(stored.owner))) {
        await this.closeInterrupted(stored).catch(warn);
      }
    }
  }

  /** The build's process is gone: end its log as the build ended, cancelled where it stood. */
  private async closeInterrupted(stored: StoredSummary): Promise<void> {
    const { summary } = stored;
    const files = buildFiles(this.dir, summary.buildId);
    const events = await readEvents(files.log);
    // It died after its last event but before its summary said so: nothing to close.
    const finished = events.findLast((e) => e.type === 'build-finished');
    const closing = finished ? [] : closingEvents(summary, events);
    // Two Slipways starting on one home: the one that creates the marker closes the log.
    const marker = await open(files.closing, 'wx').catch(() => undefined);
    if (marker) {
      await marker.close();
      if (closing.length) await appendEvents(files.log, closing);
    }
    const tally = emptyTally();
    for (const event of [...events, ...closing]) tallyEvent(tally, event);
    const last = finished ?? closing.at(-1)!;
    summary.status = finished?.type === 'build-finished' ? finished.status : 'cancelled';
    if (!finished) summary.interrupted = true;
    summary.finishedAt = last.time;
    summary.durationMs = last.time - summary.startedAt;
    summary.steps = tally;
    if (marker) await writeSummary(this.dir, stored);
  }
}

/**
 * The events a build would have ended with had it been cancelled when its last event was
 * written: its unsettled steps cancelled, a word of what happened, the build finished.
 */
export function closingEvents(summary: BuildSummary, events: readonly BuildEvent[]): BuildEvent[] {
  const buildId = summary.buildId;
  const time = Math.max(summary.startedAt, ...events.map((e) => e.time));
  const settled = new Set<string>();
  let steps: string[] = [];
  for (const event of events) {
    if (event.type === 'build-started') steps = event.graph.steps.map((s) => s.id);
    if (event.type === 'step-done' || event.type === 'step-failed' || event.type === 'step-cancelled') settled.add(event.stepId);
  }
  const startedAt = events.find((e) => e.type === 'build-started')?.time ?? summary.startedAt;
  return [
    ...steps.filter((id) => !settled.has(id)).map((stepId): BuildEvent => ({ type: 'step-cancelled', buildId, time, stepId })),
    { type: 'build-message', buildId, time, level: 'warning', text: 'Interrupted: Slipway stopped before this build finished.' },
    { type: 'build-finished', buildId, time, status: 'cancelled', durationMs: time - startedAt },
  ];
}

function warn(err: unknown): void {
  console.warn('Slipway: could not write the build history:', err instanceof Error ? err.message : err);
}
