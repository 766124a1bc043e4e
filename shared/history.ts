/**
 * Build history across the bridge: what a past build's summary counts, the build record (a
 * file that carries one build to another machine), the parts an import arrives in, and the
 * checks a record must pass before main believes a byte of it.
 */
import { isBuildRequest, isStringRecord } from './build-request';
import type { BuildSummary, LineRange } from './contract';
import { RESUME_MODES, type PauseReason, type ResumeMode } from './debug';
import type { BuildCheck, BuildEvent, BuildStatus, CacheChange, CacheDecision, CacheDiff, StepError } from './events';
import type { BaseRef, BuildArgDeclaration, BuildGraph, GraphEdge, GraphStage, GraphStep } from './graph';
import { INSTRUCTION_KINDS } from './graph';
import { isArrayOf, isBoolean, isRecord, isShape, isString, type Validator } from './validate';

/** How the steps of a build ended, for the history list (built + cached = steps that made an image). */
export interface StepTally {
  /** Steps in the graph. */
  total: number;
  /** Ran and made a new image. */
  built: number;
  /** Came from the cache. */
  cached: number;
  failed: number;
}

export const emptyTally = (): StepTally => ({ total: 0, built: 0, cached: 0, failed: 0 });

/** Counts one event into the tally (in place: the tally belongs to one build). */
export function tallyEvent(tally: StepTally, event: BuildEvent): void {
  if (event.type === 'build-started') tally.total = event.graph.steps.length;
  else if (event.type === 'step-done') tally[event.cached ? 'cached' : 'built']++;
  else if (event.type === 'step-failed') tally.failed++;
}

/** The fraction of the steps that made an image that came from the cache, or undefined when none did. */
export function cacheRatio(tally: StepTally | undefined): number | undefined {
  if (!tally) return undefined;
  const made = tally.built + tally.cached;
  return made === 0 ? undefined : tally.cached / made;
}

/** What `slipway:history:open` answers: the build's summary and its Dockerfile as it was built. */
export interface PastBuild {
  summary: BuildSummary;
  /** Missing when the file could not be read as the build started. */
  dockerfile?: string;
}

export const RECORD_FORMAT = 'slipway-build-record';
export const RECORD_VERSION = 1;

/** One build in a file: enough to reopen it anywhere, exactly as it was. */
export interface BuildRecord {
  format: typeof RECORD_FORMAT;
  version: typeof RECORD_VERSION;
  exportedAt: number;
  summary: BuildSummary;
  dockerfile?: string;
  events: BuildEvent[];
}

/** A record file's text travels in parts: web mode's frames are capped at 1 MB. */
export interface ImportPart {
  /** Chosen by the renderer, one per file. */
  uploadId: string;
  /** 0-based; parts arrive in order. */
  part: number;
  parts: number;
  text: string;
}
/** Characters per part: even all-escaped text stays well under a 1 MB frame. */
export const IMPORT_PART_CHARS = 128 * 1024;
/** A record bigger than this is refused (its logs live in one renderer's memory when opened). */
export const MAX_RECORD_CHARS = 256 * 1024 * 1024;

const isFiniteNumber: Validator<number> = (v): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount: Validator<number> = (v): v is number => isFiniteNumber(v) && Number.isInteger(v) && v >= 0;
const isId: Validator<string> = (v): v is string => typeof v === 'string' && /^[0-9a-zA-Z_.-]{1,128}$/.test(v);
const oneOf =
  <T extends string>(...values: readonly T[]): Validator<T> =>
  (v): v is T =>
    typeof v === 'string' && (values as readonly string[]).includes(v);

export const isImportPart = isShape<ImportPart>({
  uploadId: isId,
  part: isCount,
  parts: (v): v is number => isCount(v) && v >= 1 && v <= Math.ceil(MAX_RECORD_CHARS / IMPORT_PART_CHARS),
  text: (v): v is string => typeof v === 'string' && v.length <= IMPORT_PART_CHARS,
});

const isRange = isShape<LineRange>({ start: isCount, end: isCount });
const isBuildStatus = oneOf<BuildStatus>('succeeded', 'failed', 'cancelled');
const isTally = isShape<StepTally>({ total: isCount, built: isCount, cached: isCount, failed: isCount });

export const isBuildSummary = isShape<BuildSummary>(
  {
    buildId: isId,
    request: isBuildRequest,
    status: oneOf<BuildSummary['status']>('running', 'succeeded', 'failed', 'cancelled'),
    startedAt: isFiniteNumber,
    retryOf: isId,
    finishedAt: isFiniteNumber,
    durationMs: isFiniteNumber,
    steps: isTally,
    interrupted: isBoolean,
    imported: isShape<NonNullable<BuildSummary['imported']>>({ from: isId, at: isFiniteNumber }),
  },
  ['retryOf', 'finishedAt', 'durationMs', 'steps', 'interrupted', 'imported'],
);

const isBaseRef: Validator<BaseRef> = (v): v is BaseRef =>
  isShape<{ kind: 'image'; ref: string }>({ kind: oneOf('image'), ref: isString })(v) ||
  isShape<{ kind: 'stage'; stage: number }>({ kind: oneOf('stage'), stage: isCount })(v) ||
  isShape<{ kind: 'scratch' }>({ kind: oneOf('scratch') })(v);
const isStage = isShape<GraphStage>(
  { index: isCount, key: isString, name: isString, base: isBaseRef, platform: isString, range: isRange, stepIds: isArrayOf(isString) },
  ['name', 'platform'],
);
const isStep = isShape<GraphStep>({
  id: isString,
  stage: isCount,
  position: isCount,
  kind: oneOf(...INSTRUCTION_KINDS),
  name: isString,
  text: isString,
  range: isRange,
  dependsOn: isArrayOf(isString),
});
const isEdge = isShape<GraphEdge>({ from: isString, to: isString, kind: oneOf<GraphEdge['kind']>('order', 'from-stage', 'copy-from', 'mount-from') });
const isArgDeclaration = isShape<BuildArgDeclaration>({ name: isString, default: isString, scope: isString, line: isCount }, ['default']);
const isGraph: Validator<BuildGraph> = (v): v is BuildGraph => {
  const shape = isShape<BuildGraph>({
    stages: isArrayOf(isStage),
    steps: isArrayOf(isStep),
    edges: isArrayOf(isEdge),
    target: isCount,
    targets: isArrayOf(isString),
    buildArgs: isArrayOf(isArgDeclaration),
  });
  if (!shape(v)) return false;
  // The renderer looks steps up by the ids stages name: they must exist.
  const ids = new Set(v.steps.map((s) => s.id));
  return v.stages.every((s) => s.stepIds.every((id) => ids.has(id))) && v.steps.every((s) => s.dependsOn.every((id) => ids.has(id)));
};
const isStepError = isShape<StepError>({ message: isString, location: isRange, exitCode: (v): v is number => Number.isInteger(v) }, [
  'location',
  'exitCode',
]);
type Variants<U extends { kind: string }> = { [K in U['kind']]: Validator<Extract<U, { kind: K }>> };
/** A union told apart by `kind`, each variant checked by its own shape (every kind listed: the compiler says so). */
const byKind =
  <U extends { kind: string }>(variants: Variants<U>): Validator<U> =>
  (v): v is U =>
    isRecord(v) && typeof v.kind === 'string' && Object.hasOwn(variants, v.kind) && (variants as Record<string, Validator<unknown>>)[v.kind]!(v);
const isCacheChange = byKind<CacheChange>({
  files: isShape({ kind: oneOf('files'), changed: isArrayOf(isString), added: isArrayOf(isString), removed: isArrayOf(isString), complete: isBoolean }),
  'build-args': isShape({ kind: oneOf('build-args'), names: isArrayOf(isString) }),
  config: isShape({ kind: oneOf('config'), fields: isArrayOf(isShape({ field: isString, before: isString, after: isString })) }),
  command: isShape({ kind: oneOf('command'), before: isString, after: isString }),
});
const isCacheDiff = byKind<CacheDiff>({
  new: isShape({ kind: oneOf('new') }),
  'earlier-miss': isShape({ kind: oneOf('earlier-miss'), stepId: isString }, ['stepId']),
  'no-cache': isShape({ kind: oneOf('no-cache') }),
  'image-gone': isShape({ kind: oneOf('image-gone'), imageId: isString }),
  changes: isShape({ kind: oneOf('changes'), step: isString, created: isFiniteNumber, changes: isArrayOf(isCacheChange) }),
});
const isDecision: Validator<CacheDecision> = (v): v is CacheDecision =>
  isRecord(v) &&
  Object.keys(v).every((k) => k === 'hit' || k === 'reason' || k === 'diff') &&
  isBoolean(v.hit) &&
  isString(v.reason) &&
  (v.diff === undefined || (v.hit === false && isCacheDiff(v.diff)));

type Fields<T extends BuildEvent['type']> = Omit<Extract<BuildEvent, { type: T }>, 'type' | 'buildId' | 'time'>;
type EventChecks = { [T in BuildEvent['type']]: { fields: { [K in keyof Fields<T>]-?: Validator<Fields<T>[K]> }; optional?: (keyof Fields<T>)[] } };
/** Every event type's fields: a field added to the union must be added here (the compiler says so). */
const EVENT_CHECKS: EventChecks = {
  'build-started': { fields: { graph: isGraph, dockerfile: isString, context: isString, tags: isArrayOf(isString) } },
  'build-message': {
    fields: { level: oneOf('info', 'warning'), text: isString, check: isShape<BuildCheck>({ rule: isString, message: isString, url: isString, range: isRange }) },
    optional: ['check'],
  },
  'step-queued': { fields: { stepId: isString } },
  'step-started': { fields: { stepId: isString, baseImage: isString }, optional: ['baseImage'] },
  'step-cache': { fields: { stepId: isString, decision: isDecision } },
  'step-container': { fields: { stepId: isString, containerId: isString } },
  'step-log': { fields: { stepId: isString, stream: oneOf('stdout', 'stderr'), text: isString } },
  'step-layer': { fields: { stepId: isString, imageId: isString, layerSize: isCount, added: isCount, modified: isCount, deleted: isCount } },
  'step-done': { fields: { stepId: isString, imageId: isString, cached: isBoolean, size: isCount, durationMs: isFiniteNumber } },
  'step-failed': { fields: { stepId: isString, error: isStepError, durationMs: isFiniteNumber } },
  'step-cancelled': { fields: { stepId: isString } },
  'step-paused': {
    fields: { stepId: isString, reason: oneOf<PauseReason>('breakpoint', 'step', 'failure'), imageId: isString, cached: isBoolean, containerId: isString },
    optional: ['cached', 'containerId'],
  },
  'step-resumed': { fields: { stepId: isString, mode: oneOf<ResumeMode | 'cancelled'>(...RESUME_MODES, 'cancelled') } },
  'build-breakpoints': { fields: { stepIds: isArrayOf(isString), breakOnFailure: isBoolean } },
  'build-finished': {
    fields: { status: isBuildStatus, imageId: isString, error: isStepError, durationMs: isFiniteNumber },
    optional: ['imageId', 'error'],
  },
};
const eventValidators = new Map<string, Validator<unknown>>(
  Object.entries(EVENT_CHECKS).map(([type, check]) => {
    const fields = check.fields as Record<string, Validator<unknown>>;
    const validator = isShape<Record<string, unknown>>(
      { type: isString, buildId: isId, time: isFiniteNumber, ...fields },
      (check.optional ?? []) as string[],
    );
    return [type, validator];
  }),
);

export function isBuildEvent(v: unknown): v is BuildEvent {
  if (!isRecord(v) || typeof v.type !== 'string') return false;
  return eventValidators.get(v.type)?.(v) ?? false;
}

/**
 * Why this value is not a build record Slipway can open, or undefined when it is one: every
 * field and every event checked, the first event starts the build, every event is of this
 * build, and the build had finished.
 */
export function recordProblem(v: unknown): string | undefined {
  if (!isRecord(v) || v.format !== RECORD_FORMAT) return 'This file is not a Slipway build record.';
  if (v.version !== RECORD_VERSION) return `This build record has version ${String(v.version)}; this Slipway reads version ${RECORD_VERSION}.`;
  const shape = isShape<BuildRecord>(
      { format: oneOf(RECORD_FORMAT), version: (x): x is typeof RECORD_VERSION => x === RECORD_VERSION, exportedAt: isFiniteNumber, summary: isBuildSummary, dockerfile: isString, events: Array.isArray },
      ['dockerfile'],
    );
  if (!shape(v)) return 'The build record is malformed: its summary or fields are not what Slipway writes.';
  const bad = v.events.findIndex((e) => !isBuildEvent(e));
  if (bad !== -1) return `The build record is malformed: event ${bad + 1} is not a build event Slipway knows.`;
  if (v.summary.status === 'running') return 'The build record is of a build that had not finished.';
  const buildId = v.summary.buildId;
  if (v.events.some((e) => e.buildId !== buildId)) return 'The build record is malformed: it mixes events of several builds.';
  const startedAt = v.events.findIndex((e) => e.type === 'build-started');
  if (startedAt > 0 || v.events.filter((e) => e.type === 'build-started').length > 1) {
    return 'The build record is malformed: its events do not start the build once, first.';
  }
  return undefined;
}
