/**
 * Step output beyond what a window can use, kept on disk instead of in memory and in events.
 * The first `headBytes` of a step's output go out as step-log events as they come. Past that,
 * the step's whole output (the head included) goes to a file of its own and is held back from
 * the events; when the step ends, one line says how much was held back and where the complete
 * log is, then the last `tailBytes` follow. Whatever a step prints, main holds at most
 * head + tail of it, and the build's event log on disk (which windows read back) stays as small.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { BuildEvent, EventOf } from '../../shared/events';

export interface SpillLimits {
  /** Output of one step sent as events before the rest is held back. */
  headBytes: number;
  /** Output of one step kept in memory from where it was held back, sent when the step ends. */
  tailBytes: number;
}

/** A million short lines (a verbose compile) still reach the window whole; 500 MB do not. */
export const DEFAULT_SPILL: SpillLimits = { headBytes: 16 * 1024 * 1024, tailBytes: 1024 * 1024 };

type Stream = 'stdout' | 'stderr';
interface Write {
  stream: Stream;
  text: string;
}

/** Where a build's spilled step logs go, one file per step. */
export const stepLogPath = (dir: string, stepId: string): string => join(dir, `${stepId.replace(/[^a-zA-Z0-9_.-]/g, '_')}.log`);

class StepOutput {
  sent = 0;
  /** What was sent, until the step starts spilling (then it opens the file). */
  head: Write[] | undefined = [];
  file: WriteStream | undefined;
  readonly tail: Write[] = [];
  tailStart = 0;
  tailBytes = 0;
  heldBytes = 0;
  /** Lines of the whole output. */
  lines = 0;
  endsWithNewline = true;
}

export class LogSpill {
  private readonly steps = new Map<string, StepOutput>();
  private readonly closing: Promise<void>[] = [];

  constructor(
    /** The build's own folder for step logs (made when the first step spills). */
    private readonly dir: string,
    private readonly limits: SpillLimits = DEFAULT_SPILL,
  ) {}

  /** Passes `event` on, or holds it back; a step's end first passes on what was held for it. */
  filter(event: BuildEvent, pass: (event: BuildEvent) => void): void {
    if (event.type === 'step-log') {
      this.output(event, pass);
      return;
    }
    if (event.type === 'step-done' || event.type === 'step-failed' || event.type === 'step-cancelled') this.release(event.stepId, event, pass);
    pass(event);
  }

  /** Path of a step's complete log, when it spilled. */
  spilled(stepId: string): string | undefined {
    return this.steps.get(stepId)?.file ? stepLogPath(this.dir, stepId) : undefined;
  }

  /** Resolves once every spilled log is on disk. */
  async close(): Promise<void> {
    for (const [stepId, step] of this.steps) if (step.file) this.closeFile(stepId, step);
    await Promise.all(this.closing);
  }

  private output(event: EventOf<'step-log'>, pass: (event: BuildEvent) => void): void {
    let step = this.steps.get(event.stepId);
    if (!step) this.steps.set(event.stepId, (step = new StepOutput()));
    if (step.head && step.sent + event.text.length <= this.limits.headBytes) {
      step.sent += event.text.length;
      step.lines += countLines(event.text);
      step.head.push({ stream: event.stream, text: event.text });
      step.endsWithNewline = event.text.endsWith('\n');
      pass(event);
      return;
    }
    if (!step.file) this.startSpilling(event, step, pass);
    step.file!.write(event.text);
    step.heldBytes += event.text.length;
    step.lines += countLines(event.text);
    step.endsWithNewline = event.text.endsWith('\n');
    this.keepTail(step, { stream: event.stream, text: event.text });
  }

  private startSpilling(event: EventOf<'step-log'>, step: StepOutput, pass: (event: BuildEvent) => void): void {
    mkdirSync(this.dir, { recursive: true });
    const path = stepLogPath(this.dir, event.stepId);
    step.file = createWriteStream(path);
    // A disk that fills up loses the file's end, not the build.
    step.file.on('error', () => {});
    for (const write of step.head ?? []) step.file.write(write.text);
    step.head = undefined;
    const lead = step.endsWithNewline ? '' : '\n';
    const mib = (this.limits.headBytes / (1024 * 1024)).toFixed(0);
    pass({ ...event, stream: 'stdout', text: `${lead}[slipway] This step printed more than ${mib} MiB: the rest of its output is kept in ${path}; its last lines follow when the step ends.\n` });
  }

  /** The last `tailBytes` of held-back output, in order (the oldest writes fall off the front). */
  private keepTail(step: StepOutput, write: Write): void {
    step.tail.push(write);
    step.tailBytes += write.text.length;
    while (step.tailBytes - step.tail[step.tailStart]!.text.length >= this.limits.tailBytes) {
      step.tailBytes -= step.tail[step.tailStart]!.text.length;
      step.tailStart++;
    }
    // Compact now and then, so dropped writes do not pile up in the array.
    if (step.tailStart > 1024 && step.tailStart * 2 > step.tail.length) {
      step.tail.splice(0, step.tailStart);
      step.tailStart = 0;
    }
  }

  private release(stepId: string, end: BuildEvent, pass: (event: BuildEvent) => void): void {
    const step = this.steps.get(stepId);
    if (!step?.file) {
      this.steps.delete(stepId);
      return;
    }
    const writes = step.tail.slice(step.tailStart);
    // Start the tail at a line's start when the tail has one.
    const first = writes[0];
    let skipped = 0;
    if (first) {
      const newline = first.text.indexOf('\n');
      if (newline >= 0 && newline < first.text.length - 1) {
        skipped = newline + 1;
        writes[0] = { stream: first.stream, text: first.text.slice(skipped) };
      }
    }
    const shownBytes = writes.reduce((n, w) => n + w.text.length, 0);
    const notShown = step.heldBytes - shownBytes;
    const path = stepLogPath(this.dir, stepId);
    const base = { type: 'step-log' as const, buildId: end.buildId, time: end.time, stepId };
    const lines = (step.lines + (step.endsWithNewline ? 0 : 1)).toLocaleString('en-US');
    pass({ ...base, stream: 'stdout', text: `\n[slipway] ${formatBytes(notShown)} of this step's output is not shown here; the complete log (${lines} lines) is ${path}\n` });
    for (const write of mergeWrites(writes)) pass({ ...base, stream: write.stream, text: write.text });
    this.closeFile(stepId, step);
  }

  private closeFile(stepId: string, step: StepOutput): void {
    const file = step.file;
    this.steps.delete(stepId);
    if (!file) return;
    step.file = undefined;
    this.closing.push(new Promise((resolve) => file.end(() => resolve())));
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Neighbouring writes of one stream as one. */
function mergeWrites(writes: Write[]): Write[] {
  const out: Write[] = [];
  for (const write of writes) {
    const last = out.at(-1);
    if (last && last.stream === write.stream) last.text += write.text;
    else out.push({ ...write });
  }
  return out;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  return `${(n / (1024 * 1024 * 1024)).toFixed(2)} GiB`;
}
