/**
 * The timeline of a build (pure): one lane per stage, one bar per step that started, placed by
 * its start and end relative to the build's start, so stages that ran at once show as bars side
 * by side in their lanes. Positions are fractions of the span; the view turns them into %.
 */

export interface TimedStep {
  id: string;
  stage: number;
  /** Epoch ms; a step that never started has no bar. */
  startedAt?: number;
  endedAt?: number;
  /** Still running: its bar grows to `now`. */
  running: boolean;
}

export interface GanttLane {
  stage: number;
  label: string;
}

export interface GanttBar {
  id: string;
  lane: number;
  /** Offsets from the build's start, ms. */
  start: number;
  end: number;
  /** Fractions of the span, 0..1. */
  left: number;
  width: number;
}

export interface GanttLayout {
  lanes: GanttLane[];
  bars: GanttBar[];
  /** Ms from the build's start to the last bar's end (at least 1). */
  span: number;
  /** Offsets (ms) where the time axis is labelled. */
  ticks: number[];
}

export function ganttLayout(
  stages: readonly { index: number; label: string }[],
  steps: readonly TimedStep[],
  buildStart: number | undefined,
  now: number,
): GanttLayout {
  const lanes = stages.map((s) => ({ stage: s.index, label: s.label }));
  const laneOf = new Map(stages.map((s, i) => [s.index, i]));
  const started = steps.filter((s) => s.startedAt !== undefined && laneOf.has(s.stage));
  const origin = buildStart ?? Math.min(...started.map((s) => s.startedAt!), now);
  const timed = started.map((s) => {
    const start = Math.max(0, s.startedAt! - origin);
    const endAt = s.endedAt ?? (s.running ? now : s.startedAt!);
    return { id: s.id, lane: laneOf.get(s.stage)!, start, end: Math.max(start, endAt - origin) };
  });
  const span = Math.max(1, ...timed.map((b) => b.end));
  const bars = timed.map((b) => ({ ...b, left: b.start / span, width: (b.end - b.start) / span }));
  return { lanes, bars, span, ticks: niceTicks(span) };
}

/** Round offsets (1, 2 or 5 times a power of ten, in ms) that cut `span` into about `count` parts. */
export function niceTicks(span: number, count = 6): number[] {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = 0; t <= span + 1e-9; t += step) ticks.push(t);
  return ticks;
}

/** Whether any bar of lane `a` runs at the same time as a bar of lane `b`. */
export function lanesOverlap(bars: readonly GanttBar[], a: number, b: number): boolean {
  const inA = bars.filter((x) => x.lane === a && x.end > x.start);
  const inB = bars.filter((x) => x.lane === b && x.end > x.start);
  return inA.some((x) => inB.some((y) => x.start < y.end && y.start < x.end));
}
