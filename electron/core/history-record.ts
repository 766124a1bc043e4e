/**
 * Build records: one build in a file, to reopen on another machine. `toRecord` is the one place
 * that decides what leaves this machine; `fromRecord` turns a checked record into a new build
 * of this history (a new id: never mistaken for, nor overwriting, a build of this machine).
 */
import { randomBytes } from 'node:crypto';
import type { BuildSummary } from '../../shared/contract';
import type { BuildEvent } from '../../shared/events';
import {
  IMPORT_PART_CHARS,
  MAX_RECORD_CHARS,
  RECORD_FORMAT,
  RECORD_VERSION,
  recordProblem,
  type BuildRecord,
  type ImportPart,
} from '../../shared/history';

/** A history request refused for what it asks (a malformed record, exporting a running build): BAD_REQUEST. */
export class HistoryRefusal extends Error {}

/**
 * What goes into a record. Summary fields are picked one by one (the process that ran it, and
 * an earlier import, stay here); events go through `recordEvent`. Nothing a build emits is
 * secret today: if something ever is (a secret mount's value, a registry token), it is dropped
 * in `recordEvent`, and only there.
 */
export function toRecord(summary: BuildSummary, dockerfile: string | undefined, events: readonly BuildEvent[], now = Date.now()): BuildRecord {
  const { buildId, request, status, startedAt, retryOf, finishedAt, durationMs, steps, interrupted } = summary;
  const picked: BuildSummary = {
    buildId,
    request: { ...request, buildArgs: { ...request.buildArgs }, tags: [...request.tags] },
    status,
    startedAt,
    ...(retryOf !== undefined ? { retryOf } : {}),
    ...(finishedAt !== undefined ? { finishedAt } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(steps ? { steps: { ...steps } } : {}),
    ...(interrupted ? { interrupted } : {}),
  };
  return {
    format: RECORD_FORMAT,
    version: RECORD_VERSION,
    exportedAt: now,
    summary: picked,
    ...(dockerfile !== undefined ? { dockerfile } : {}),
    events: events.map(recordEvent),
  };
}

function recordEvent(event: BuildEvent): BuildEvent {
  return event;
}

export const newBuildId = (): string => randomBytes(6).toString('hex');

/** A checked record as a build of this history, under `buildId`. Throws HistoryRefusal if it is not one. */
export function fromRecord(value: unknown, buildId: string, now = Date.now()): { summary: BuildSummary; dockerfile?: string; events: BuildEvent[] } {
  const problem = recordProblem(value);
  if (problem) throw new HistoryRefusal(problem);
  const record = value as BuildRecord;
  const { retryOf: _retryOf, ...rest } = record.summary;
  // The retried build's id means nothing here.
  void _retryOf;
  const summary: BuildSummary = { ...rest, buildId, imported: { from: record.summary.buildId, at: now } };
  return {
    summary,
    ...(record.dockerfile !== undefined ? { dockerfile: record.dockerfile } : {}),
    events: record.events.map((e) => ({ ...e, buildId })),
  };
}

/** How long an upload may pause between parts before it is forgotten. */
const UPLOAD_IDLE_MS = 60_000;
const MAX_UPLOADS = 4;

interface Upload {
  parts: string[];
  chars: number;
  touched: number;
}

/**
 * Puts a record file back together from its parts (in order, each under a frame's size) and
 * parses it when the last arrives. Bounded: a few uploads at a time, each under
 * MAX_RECORD_CHARS, and forgotten when idle.
 */
export class RecordUploads {
  private readonly uploads = new Map<string, Upload>();

  /** The parsed record when `part` was the last one, else undefined. */
  accept(part: ImportPart, now = Date.now()): unknown {
    this.forgetIdle(now);
    let upload = this.uploads.get(part.uploadId);
    if (part.part === 0) {
      if (!upload && this.uploads.size >= MAX_UPLOADS) throw new HistoryRefusal('Too many imports at once: try again in a minute.');
      upload = { parts: [], chars: 0, touched: now };
      this.uploads.set(part.uploadId, upload);
    }
    if (!upload || upload.parts.length !== part.part || part.part >= part.parts) {
      this.uploads.delete(part.uploadId);
      throw new HistoryRefusal('The import arrived out of order: try again.');
    }
    if (part.text.length > IMPORT_PART_CHARS) throw new HistoryRefusal('An import part is too large.');
    upload.chars += part.text.length;
    upload.touched = now;
    if (upload.chars > MAX_RECORD_CHARS) {
      this.uploads.delete(part.uploadId);
      throw new HistoryRefusal(`The build record is larger than ${MAX_RECORD_CHARS / 1024 / 1024} MB.`);
    }
    upload.parts.push(part.text);
    if (part.part < part.parts - 1) return undefined;
    this.uploads.delete(part.uploadId);
    try {
      return JSON.parse(upload.parts.join(''));
    } catch {
      throw new HistoryRefusal('This file is not a Slipway build record (it is not JSON).');
    }
  }

  private forgetIdle(now: number): void {
    for (const [id, upload] of this.uploads) if (now - upload.touched > UPLOAD_IDLE_MS) this.uploads.delete(id);
  }
}
