/**
 * A build's files in `$SLIPWAY_HOME/builds`, next to its event log `<id>.jsonl`:
 *   <id>.summary.json  what the history list shows, and who (host/pid) was running it
 *   <id>.Dockerfile    the Dockerfile's text as the build read it
 * Summaries are replaced whole (a temporary file renamed over the old one), so a reader sees
 * the old or the new one, never half; whatever is found torn or foreign anyway is skipped.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { BuildSummary } from '../../shared/contract';
import type { BuildEvent } from '../../shared/events';
import { isBuildSummary } from '../../shared/history';
import { isRecord, isString } from '../../shared/validate';

export interface StoredSummary {
  summary: BuildSummary;
  /** `host/pid` of the process that ran the build (see containers.ts's owner label). */
  owner: string;
}

const SUMMARY = '.summary.json';

export const buildFiles = (dir: string, buildId: string) => ({
  log: join(dir, `${buildId}.jsonl`),
  summary: join(dir, `${buildId}${SUMMARY}`),
  dockerfile: join(dir, `${buildId}.Dockerfile`),
  /** Made (exclusively) by whoever closes an interrupted build's log, so only one does. */
  closing: join(dir, `${buildId}.closing`),
  /** The complete output of steps that printed too much for events (log-spill.ts), one file each. */
  stepLogs: join(dir, `${buildId}.logs`),
});

/** Writes the whole file or leaves the old one: a temporary sibling renamed over it. */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true }).catch(() => {});
    throw err;
  }
}

export function writeSummary(dir: string, stored: StoredSummary): Promise<void> {
  return writeAtomically(buildFiles(dir, stored.summary.buildId).summary, `${JSON.stringify(stored)}\n`);
}

/** The summary in this file, or undefined if it is torn, foreign or not named after its build. */
export function parseSummary(text: string, expectedId: string): StoredSummary | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || !isString(value.owner) || !isBuildSummary(value.summary)) return undefined;
  if (value.summary.buildId !== expectedId) return undefined;
  return { summary: value.summary, owner: value.owner };
}

/** Every readable summary in the folder; unreadable ones are skipped (and said so on the console). */
export async function readSummaries(dir: string): Promise<StoredSummary[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: StoredSummary[] = [];
  for (const name of names.filter((n) => n.endsWith(SUMMARY))) {
    const buildId = name.slice(0, -SUMMARY.length);
    const stored = await readFile(join(dir, name), 'utf8').then((text) => parseSummary(text, buildId), () => undefined);
    if (stored) out.push(stored);
    else console.warn(`Slipway: skipping the unreadable build summary ${join(dir, name)}`);
  }
  return out;
}

/**
 * A log's events from sequence number `from` on. A line that is not JSON (the torn last line
 * of a process that died mid-write) is not an event and is not counted.
 */
export async function readEvents(path: string, from = 0): Promise<BuildEvent[]> {
  const out: BuildEvent[] = [];
  let index = 0;
  let input;
  try {
    input = createReadStream(path);
    await new Promise<void>((resolve, reject) => input!.once('open', () => resolve()).once('error', reject));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (!line) continue;
    let event: BuildEvent;
    try {
      event = JSON.parse(line) as BuildEvent;
    } catch {
      continue;
    }
    if (index++ >= from) out.push(event);
  }
  return out;
}

/** Appends events after whatever is there; a torn last line is ended first so it stays one bad line. */
export async function appendEvents(path: string, events: readonly BuildEvent[]): Promise<void> {
  const size = await stat(path).then((s) => s.size, () => 0);
  let lead = '';
  if (size > 0) {
    const file = await open(path, 'r');
    const last = Buffer.alloc(1);
    await file.read(last, 0, 1, size - 1).finally(() => file.close());
    if (last[0] !== 0x0a) lead = '\n';
  }
  await appendFile(path, lead + events.map((e) => `${JSON.stringify(e)}\n`).join(''));
}

export async function removeBuildFiles(dir: string, buildId: string): Promise<void> {
  await Promise.all(Object.values(buildFiles(dir, buildId)).map((path) => rm(path, { force: true, recursive: true })));
}
