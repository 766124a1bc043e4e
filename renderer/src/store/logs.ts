/**
 * A step's log in memory: complete lines in fixed-size chunks, so appending copies at most one
 * chunk and the list of chunk references (structural sharing: every buffer is immutable), and
 * only the last `limit` lines are kept — the oldest are dropped and counted, never silently.
 * Pure functions only; the store's reducer calls them.
 */
export type Stream = 'stdout' | 'stderr';

export interface LogLine {
  readonly stream: Stream;
  readonly text: string;
}

export interface LogBuffer {
  /** All chunks but the last hold exactly CHUNK lines; the first starts at `start`. */
  readonly chunks: readonly (readonly LogLine[])[];
  readonly start: number;
  /** Complete lines kept (after `start`). */
  readonly length: number;
  /** Lines dropped from the front to stay within `limit`. */
  readonly dropped: number;
  /** Text after the last newline of each stream, not yet a line. */
  readonly partial: Readonly<Record<Stream, string>>;
  readonly limit: number;
}

export const CHUNK = 1024;
/** Per step; older lines are dropped (the full log stays in the build's record on disk). */
export const DEFAULT_LOG_LIMIT = 50_000;
/** A line without a newline this long is cut, so one endless line cannot take all memory. */
export const MAX_LINE = 64 * 1024;

export function emptyLog(limit = DEFAULT_LOG_LIMIT): LogBuffer {
  return { chunks: [], start: 0, length: 0, dropped: 0, partial: { stdout: '', stderr: '' }, limit };
}

/** One terminal line as it would look: `\r` returns to the start, so the last write wins. */
function cleanLine(text: string): string {
  const line = text.endsWith('\r') ? text.slice(0, -1) : text;
  const cr = line.lastIndexOf('\r');
  return cr === -1 ? line : line.slice(cr + 1);
}

/** Appends chunks of output (as they came, in order). Returns a new buffer; `log` is untouched. */
export function appendLog(log: LogBuffer, writes: readonly { stream: Stream; text: string }[]): LogBuffer {
  if (writes.length === 0) return log;
  const partial = { ...log.partial };
  const added: LogLine[] = [];
  for (const { stream, text } of writes) {
    const parts = (partial[stream] + text).split('\n');
    partial[stream] = parts.pop()!;
    for (const part of parts) added.push({ stream, text: cleanLine(part) });
    while (partial[stream].length > MAX_LINE) {
      added.push({ stream, text: partial[stream].slice(0, MAX_LINE) });
      partial[stream] = partial[stream].slice(MAX_LINE);
    }
  }
  if (added.length === 0) return { ...log, partial };

  const chunks = log.chunks.slice();
  let i = 0;
  const last = chunks.at(-1);
  if (last && last.length < CHUNK) {
    const take = Math.min(CHUNK - last.length, added.length);
    chunks[chunks.length - 1] = last.concat(added.slice(0, take));
    i = take;
  }
  for (; i < added.length; i += CHUNK) chunks.push(added.slice(i, i + CHUNK));

  let start = log.start;
  let length = log.length + added.length;
  let dropped = log.dropped;
  if (length > log.limit) {
    const excess = length - log.limit;
    start += excess;
    length -= excess;
    dropped += excess;
    const whole = Math.floor(start / CHUNK);
    chunks.splice(0, whole);
    start -= whole * CHUNK;
  }
  return { chunks, start, length, dropped, partial, limit: log.limit };
}

/** Lines to show: the complete ones, then any unterminated tail (stdout's, then stderr's). */
export function lineCount(log: LogBuffer): number {
  return log.length + (log.partial.stdout ? 1 : 0) + (log.partial.stderr ? 1 : 0);
}

export function lineAt(log: LogBuffer, index: number): LogLine | undefined {
  if (index < 0) return undefined;
  if (index < log.length) {
    const j = index + log.start;
    return log.chunks[Math.floor(j / CHUNK)]?.[j % CHUNK];
  }
  const tails = tailLines(log);
  return tails[index - log.length];
}

const tailCache = new WeakMap<LogBuffer, LogLine[]>();
function tailLines(log: LogBuffer): LogLine[] {
  let tails = tailCache.get(log);
  if (!tails) {
    tails = [];
    if (log.partial.stdout) tails.push({ stream: 'stdout', text: cleanLine(log.partial.stdout) });
    if (log.partial.stderr) tails.push({ stream: 'stderr', text: cleanLine(log.partial.stderr) });
    tailCache.set(log, tails);
  }
  return tails;
}

/** Every line to show, in order (for copy, save and search). */
export function* allLines(log: LogBuffer): Generator<LogLine> {
  const n = lineCount(log);
  for (let i = 0; i < n; i++) yield lineAt(log, i)!;
}
