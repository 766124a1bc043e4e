/**
 * The one declaration of everything that crosses the bridge between the main process and a
 * renderer (Electron IPC, or the WebSocket of web mode). Channels are `slipway:<service>:<verb>`;
 * the preload and the web client derive `window.slipway` from these tables, and main validates
 * every call against them. There is no other list of channel names.
 */
import { isBuildRequest, isStringRecord, type BuildSecret } from './build-request';
import type { BuildEvent, BuildStatus } from './events';
import type { BuildArgDeclaration, BuildGraph } from './graph';
import type { ContextUsage } from './context-usage';
import { isEngineChoice, isEngineName, type EngineContextInfo } from './engines';
import type { ImageWaste, StepLayer } from './layers';
import { isImportPart, type BuildRecord, type ImportPart, type PastBuild, type StepTally } from './history';
import {
  isBreakpointsRequest,
  isDebugCloseRequest,
  isDebugShellRequest,
  isDebugStepRef,
  isResumeRequest,
  isStepIds,
  type BreakpointsRequest,
  type DebugShellRequest,
  type ResumeRequest,
  type StepDiff,
} from './debug';
import { isArrayOf, isBoolean, isNone, isRecord, isShape, isString, type Validator } from './validate';

/** 1-based, inclusive line numbers in the Dockerfile. */
export interface LineRange {
  start: number;
  end: number;
}

/** Errors cross the bridge as data, so Dockerfile line numbers survive. */
export interface BridgeError {
  code: ErrorCode;
  message: string;
  location?: LineRange;
}
export type ErrorCode =
  | 'UNKNOWN_CHANNEL'
  | 'FORBIDDEN'
  | 'BAD_REQUEST'
  | 'DOCKERFILE'
  | 'ENGINE_UNAVAILABLE'
  | 'NOT_FOUND'
  /** Web mode: the socket to Slipway is down (it reconnects by itself). */
  | 'DISCONNECTED'
  | 'INTERNAL';

export type Envelope<T> = { ok: true; result: T } | { ok: false; error: BridgeError };

export interface EngineInfo {
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
  /** Podman's Docker-compatible API rather than Docker Engine. */
  kind?: 'docker' | 'podman';
}

/** A folder of the machine Slipway runs on (web mode's folder browser). */
export interface FolderListing {
  path: string;
  parent?: string;
  entries: { name: string; isDirectory: boolean }[];
}

/** One node of the context tree, after .dockerignore. */
export interface ContextNode {
  name: string;
  /** Bytes: the file's size, or everything below a directory. */
  size: number;
  children?: ContextNode[];
}

export interface ContextSummary {
  root: string;
  /** Dockerfiles found in the context (Dockerfile, *.Dockerfile, Containerfile), relative paths. */
  dockerfiles: string[];
  tree: ContextNode;
  files: number;
  bytes: number;
}

export interface OutlineRequest {
  context: string;
  /** Relative to the context, or absolute. */
  dockerfile: string;
  target?: string;
  buildArgs?: Record<string, string>;
}

export interface OutlineResult {
  /** The Dockerfile's text, for the step panel. */
  text: string;
  graph: BuildGraph;
  buildArgs: BuildArgDeclaration[];
  /** Build checks (`rule`, `url`: BuildKit's rule name and its documentation page). */
  warnings: { message: string; range: LineRange; rule?: string; url?: string }[];
}

export interface BuildRequest extends OutlineRequest {
  tags: string[];
  noCache: boolean;
  buildArgs: Record<string, string>;
  /** Step ids to pause before (shared/debug.ts). */
  breakpoints?: string[];
  /** Pause at a failed step, and keep its container to inspect. */
  breakOnFailure?: boolean;
  /** The docker context to build on (shared/engines.ts); the current engine when absent. */
  engine?: string;
  /** Secrets `RUN --mount=type=secret` may read: where each comes from, never its value. */
  secrets?: BuildSecret[];
}

export interface BuildSummary {
  buildId: string;
  request: BuildRequest;
  status: BuildStatus | 'running';
  startedAt: number;
  /** The build this one retried, if any. */
  retryOf?: string;
  /** History (shared/history.ts): set when the build ended. */
  finishedAt?: number;
  durationMs?: number;
  steps?: StepTally;
  /** Slipway stopped while it ran: its log was closed as cancelled when Slipway started again. */
  interrupted?: boolean;
  /** Read from a build record file (the build's id there, when): read-only, never retried. */
  imported?: { from: string; at: number };
}

/** A `RUN --mount=type=cache` cache: the engine volumes holding it (private sharing may make several). */
export interface CacheMountInfo {
  id: string;
  volumes: string[];
  /** Bytes, when the engine reports them (its disk usage summary). */
  sizeBytes?: number;
  /** ISO time the first volume was made. */
  createdAt?: string;
  /** Milliseconds since the epoch, when a build of this Slipway last mounted it. */
  lastUsed?: number;
  /** A container has it mounted now (it cannot be pruned). */
  inUse: boolean;
}

export interface CacheMountPruneResult {
  removed: string[];
  kept: { id: string; reason: string }[];
  reclaimedBytes: number;
}

/** What a step's image is configured to do (the Engine API's Config, the fields users set). */
export interface ImageSettings {
  id: string;
  created: string;
  os: string;
  architecture: string;
  layers: number;
  config: {
    Env?: string[] | null;
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    Shell?: string[] | null;
    WorkingDir?: string;
    User?: string;
    ExposedPorts?: Record<string, object> | null;
    Volumes?: Record<string, object> | null;
    Labels?: Record<string, string> | null;
    StopSignal?: string;
    Healthcheck?: { Test?: string[] | null; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number } | null;
    OnBuild?: string[] | null;
  };
}

export interface BuildEventBatch {
  buildId: string;
  /** In order; the first has sequence number `from`. */
  events: BuildEvent[];
  from: number;
}

interface CallSpec<Req, Res> {
  readonly request: Validator<Req>;
  /** Type-level only: what the call answers. */
  readonly response?: Res;
}
const call = <Req, Res>(request: Validator<Req>): CallSpec<Req, Res> => ({ request });

interface EventSpec<Payload> {
  /** Type-level only: what the event carries. */
  readonly payload?: Payload;
}
const event = <Payload>(): EventSpec<Payload> => ({});

const isNumber: Validator<number> = (v): v is number => typeof v === 'number' && Number.isFinite(v);
const isDimension: Validator<number> = (v): v is number => isNumber(v) && Number.isInteger(v) && v > 0 && v < 1000;
const isOutlineRequest = isShape<OutlineRequest>(
  { context: isString, dockerfile: isString, target: isString, buildArgs: isStringRecord },
  ['target', 'buildArgs'],
);
const isImageId: Validator<string> = (v): v is string => typeof v === 'string' && /^sha256:[0-9a-f]{64}$/.test(v);
const isBuildRef = isShape<{ buildId: string }>({ buildId: isString });
const isStepRef = isShape<{ buildId: string; stepId: string }>({ buildId: isString, stepId: isString });
const isShellRef = isShape<{ shellId: string }>({ shellId: isString });

export const calls = {
  'slipway:engine:info': call<{ engine?: string } | undefined, EngineInfo>(isEngineChoice),
  /** The docker CLI's contexts: the engines a build can run on. */
  'slipway:engine:contexts': call<undefined, EngineContextInfo[]>(isNone),
  'slipway:fs:list': call<{ path?: string }, FolderListing>(isShape({ path: isString }, ['path'])),
  'slipway:context:inspect': call<{ context: string }, ContextSummary>(isShape({ context: isString })),
  /** The context inspector: which COPY/ADD uses which files, what .dockerignore hides from them, big unused files. */
  'slipway:context:usage': call<OutlineRequest, ContextUsage>(isOutlineRequest),
  'slipway:dockerfile:outline': call<OutlineRequest, OutlineResult>(isOutlineRequest),
  /** The Dockerfile's text alone: shown with its error when it does not parse. */
  'slipway:dockerfile:read': call<{ context: string; dockerfile: string }, { text: string }>(isShape({ context: isString, dockerfile: isString })),
  'slipway:build:start': call<BuildRequest, BuildSummary>(isBuildRequest),
  'slipway:build:cancel': call<{ buildId: string }, void>(isBuildRef),
  'slipway:build:list': call<undefined, BuildSummary[]>(isNone),
  /** Every event of a build from sequence number `from` (0: all): how a reloaded renderer catches up. */
  'slipway:build:events': call<{ buildId: string; from: number }, BuildEventBatch>(isShape({ buildId: isString, from: isNumber })),
  /** The config of an image a step made (`sha256:` ids only: never a name to resolve). */
  'slipway:image:config': call<{ imageId: string; engine?: string }, ImageSettings>(isShape({ imageId: isImageId, engine: isEngineName }, ['engine'])),
  'slipway:step:kill': call<{ buildId: string; stepId: string }, void>(isStepRef),
  /** What a committed step's layer added, changed and deleted, with sizes. */
  'slipway:step:layer': call<{ buildId: string; stepId: string }, StepLayer>(isStepRef),
  /** Space each stage's image wastes on files a later step deleted or overwrote. */
  'slipway:build:waste': call<{ buildId: string }, ImageWaste[]>(isBuildRef),
  /** Re-reads the Dockerfile and builds again: earlier steps hit the cache. */
  'slipway:step:retry': call<{ buildId: string; stepId: string }, BuildSummary>(isStepRef),
  /** An interactive `sh` in the running step's container (TTY). */
  'slipway:shell:open': call<{ buildId: string; stepId: string; cols: number; rows: number }, { shellId: string }>(
    isShape({ buildId: isString, stepId: isString, cols: isDimension, rows: isDimension }),
  ),
  /** Replaces a running build's breakpoints (shared/debug.ts). */
  'slipway:build:breakpoints': call<BreakpointsRequest, void>(isBreakpointsRequest),
  /** Ends the build's pauses: continue, step (pause at the next step), or abort (cancel). */
  'slipway:build:resume': call<ResumeRequest, void>(isResumeRequest),
  /** A `sh` (TTY) in a paused step's state, or a failed step's state before or after it ran. */
  'slipway:debug:shell': call<DebugShellRequest, { shellId: string }>(isDebugShellRequest),
  /** The files a failed step added, changed and deleted. */
  'slipway:debug:diff': call<{ buildId: string; stepId: string }, StepDiff>(isDebugStepRef),
  /** The user left a step's debug view (or, without a step, the build): what it made goes. */
  'slipway:debug:close': call<{ buildId: string; stepId?: string }, void>(isDebugCloseRequest),
  'slipway:shell:input': call<{ shellId: string; data: string }, void>(isShape({ shellId: isString, data: isString })),
  'slipway:shell:resize': call<{ shellId: string; cols: number; rows: number }, void>(
    isShape({ shellId: isString, cols: isDimension, rows: isDimension }),
  ),
  'slipway:shell:close': call<{ shellId: string }, void>(isShellRef),
  /** Every build on record (this machine's, imported ones), newest first. */
  'slipway:history:list': call<undefined, BuildSummary[]>(isNone),
  /** A past build to reopen: its summary and its Dockerfile as built (events: `slipway:build:events`). */
  'slipway:history:open': call<{ buildId: string }, PastBuild>(isBuildRef),
  'slipway:history:export': call<{ buildId: string }, BuildRecord>(isBuildRef),
  /** A record file's text, part by part; the last part answers the imported build. */
  'slipway:history:import': call<ImportPart, BuildSummary | null>(isImportPart),
  'slipway:history:delete': call<{ buildId: string }, void>(isBuildRef),
  /** The caches `RUN --mount=type=cache` keeps across builds. */
  'slipway:cacheMounts:list': call<undefined, CacheMountInfo[]>(isNone),
  /** Removes the caches named (all of them without `ids`); ones in use stay. */
  'slipway:cacheMounts:prune': call<{ ids?: string[] }, CacheMountPruneResult>(isShape({ ids: isArrayOf(isString) }, ['ids'])),
} as const;

export const events = {
  /** Build events, batched (never one message per log line). */
  'slipway:build:events': event<BuildEventBatch>(),
  /** A build was started or finished (the list changed). */
  'slipway:build:summary': event<BuildSummary>(),
  'slipway:shell:output': event<{ shellId: string; data: string }>(),
  'slipway:shell:exit': event<{ shellId: string; code: number | null }>(),
} as const;

export type CallChannel = keyof typeof calls;
export type EventChannel = keyof typeof events;
export type RequestOf<C extends CallChannel> = (typeof calls)[C] extends CallSpec<infer Req, unknown> ? Req : never;
export type ResponseOf<C extends CallChannel> = (typeof calls)[C] extends CallSpec<unknown, infer Res> ? Res : never;
export type PayloadOf<E extends EventChannel> = (typeof events)[E] extends EventSpec<infer P> ? P : never;

/** `slipway:engine:info` -> `engineInfo`: the method's name on `window.slipway`. */
type MethodName<C extends string> = C extends `slipway:${infer S}:${infer V}` ? `${S}${Capitalize<V>}` : never;
export function methodName(channel: string): string {
  const [, service = '', verb = ''] = channel.split(':');
  return service + verb.charAt(0).toUpperCase() + verb.slice(1);
}
/** `slipway:build:events` -> `onBuildEvents`. */
export function listenerName(channel: string): string {
  const name = methodName(channel);
  return 'on' + name.charAt(0).toUpperCase() + name.slice(1);
}

export const callChannels = Object.keys(calls) as CallChannel[];
export const eventChannels = Object.keys(events) as EventChannel[];
export const isCallChannel = (c: unknown): c is CallChannel => typeof c === 'string' && Object.hasOwn(calls, c);

/** What `window.slipway` is: one method per call, one `onX(listener) -> unsubscribe` per event. */
export type SlipwayApi = {
  [C in CallChannel as MethodName<C>]: (request?: RequestOf<C>) => Promise<Envelope<ResponseOf<C>>>;
} & {
  [E in EventChannel as `on${Capitalize<MethodName<E>>}`]: (listener: (payload: PayloadOf<E>) => void) => () => void;
};
