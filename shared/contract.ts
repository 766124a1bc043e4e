/**
 * The one declaration of everything that crosses the bridge between the main process and a
 * renderer (Electron IPC, or the WebSocket of web mode). Channels are `slipway:<service>:<verb>`;
 * the preload and the web client derive `window.slipway` from these tables, and main validates
 * every call against them. There is no other list of channel names.
 */
import { isNone, type Validator } from './validate';

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
  | 'INTERNAL';

export type Envelope<T> = { ok: true; result: T } | { ok: false; error: BridgeError };

export interface EngineInfo {
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
}

interface CallSpec<Req, Res> {
  readonly request: Validator<Req>;
  /** Type-level only: what the call answers. */
  readonly response?: Res;
}
const call = <Req, Res>(request: Validator<Req>): CallSpec<Req, Res> => ({ request });

interface EventSpec<Payload> {
  readonly payload?: Payload;
}

export const calls = {
  'slipway:engine:info': call<undefined, EngineInfo>(isNone),
} as const;

export const events = {} as const satisfies Record<string, EventSpec<unknown>>;

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
/** `slipway:build:event` -> `onBuildEvent`. */
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
