/**
 * The engine calls a build makes, guarded so that none can hang and each failure says what
 * happened. dockerode waits forever when the engine dies in the middle of an answer (a
 * container's wait, an export), so while any call is outstanding the engine is pinged; once it
 * stops answering, every outstanding call fails with one clear error, EngineConnectionLost.
 * Short calls (inspect, create, start, remove, tag) also have a time limit. An engine error
 * (HTTP 5xx: a full disk during a commit or an upload) becomes "The Docker engine could not
 * <do this>: <its message>". Removals that failed because the engine was away are done once it
 * answers again, so nothing a failed build made is left behind.
 */
import type Docker from 'dockerode';
import { clientAddress } from './connect';
import { EngineConnectionLost, isEngineConnectionError } from './engine';

export interface CallPolicy {
  /** What the call does, in words that finish "The Docker engine could not …". */
  doing?: string;
  /** A short call: fails after `quickCallMs`. */
  quick?: boolean;
  /** A removal of this kind of thing, by the id in its first argument: retried once the engine is back. */
  removal?: 'container' | 'volume' | 'image';
  /** A container's wait: a non-zero code while the engine went away is the engine's doing, not the command's. */
  exitCode?: boolean;
}

export type Policies<T> = { readonly [K in keyof T]?: CallPolicy };

export interface GuardOptions {
  quickCallMs?: number;
  /** How often the engine is pinged while calls are outstanding. */
  pingEveryMs?: number;
  /** A ping without an answer for this long is a miss; `missesToLose` misses in a row, the engine is lost. */
  pingTimeoutMs?: number;
  missesToLose?: number;
}

/** A short call the engine did not answer in time. */
export class EngineTimeoutError extends Error {
  override readonly name = 'EngineTimeoutError';
  constructor(address: string, call: string, ms: number) {
    super(`The Docker engine at ${address} did not answer (${call}) within ${Math.round(ms / 1000)} s: it may be overloaded or stuck.`);
  }
}

/** An engine error (HTTP 5xx) during a build, with what Slipway was doing. */
export class EngineCallError extends Error {
  override readonly name = 'EngineCallError';
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

interface Lost {
  promise: Promise<never>;
  reject: (err: EngineConnectionLost) => void;
}

function newLost(): Lost {
  let reject!: (err: EngineConnectionLost) => void;
  const promise = new Promise<never>((_, r) => (reject = r));
  // Nobody may be racing against it when it fires.
  promise.catch(() => {});
  return { promise, reject };
}

const statusOf = (err: unknown) => (err as { statusCode?: unknown }).statusCode;

/** The engine's own words from a dockerode error: its JSON `message`, else the error's message. */
export function engineMessage(err: unknown): string {
  const json = (err as { json?: unknown }).json;
  if (json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string') return (json as { message: string }).message.trim();
  if (typeof json === 'string' && json.trim()) return json.trim();
  // dockerode's own wording around the engine's: "(HTTP code 500) server error - <the engine's message>".
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

export class EngineGuard {
  readonly address: string;
  private readonly quickCallMs: number;
  private readonly pingEveryMs: number;
  private readonly pingTimeoutMs: number;
  private readonly missesToLose: number;
  private lost = newLost();
  private outstanding = 0;
  private pinger: NodeJS.Timeout | undefined;
  private pinging = false;
  private misses = 0;
  /** Removals to do once the engine answers again, by `kind:id`. */
  private readonly deferred = new Map<string, () => Promise<unknown>>();
  private flushing = false;

  constructor(
    private readonly docker: Docker,
    options: GuardOptions = {},
  ) {
    this.address = clientAddress(docker);
    this.quickCallMs = options.quickCallMs ?? 120_000;
    this.pingEveryMs = options.pingEveryMs ?? 2_000;
    this.pingTimeoutMs = options.pingTimeoutMs ?? 10_000;
    this.missesToLose = options.missesToLose ?? 3;
  }

  /** `target` with every method guarded; `policies` say which calls are short, removals or waits. */
  wrap<T extends object>(target: T, policies: Policies<T>): T {
    return new Proxy(target, {
      get: (obj, prop, receiver) => {
        const value: unknown = Reflect.get(obj, prop, receiver);
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        const policy = (policies as Record<string, CallPolicy | undefined>)[prop] ?? {};
        const method = value as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => this.call(prop, () => method.apply(obj, args), policy, args[0]);
      },
    });
  }

  /** A removal to do once the engine answers again (it is away now). */
  removeLater(key: string, remove: () => Promise<unknown>): void {
    this.deferred.set(key, remove);
  }

  /** Removals still waiting for the engine to come back. */
  get pendingRemovals(): number {
    return this.deferred.size;
  }

  private call(name: string, run: () => unknown, policy: CallPolicy, subject: unknown): unknown {
    let result: unknown;
    try {
      result = run();
    } catch (err) {
      throw this.explain(err, policy);
    }
    if (!(result instanceof Promise)) return result;
    return this.guard(name, result, policy, () => run(), subject);
  }

  private async guard(name: string, result: Promise<unknown>, policy: CallPolicy, again: () => unknown, subject: unknown): Promise<unknown> {
    const lost = this.lost.promise;
    this.begin();
    let timer: NodeJS.Timeout | undefined;
    const racers: Promise<unknown>[] = [result, lost];
    if (policy.quick) {
      racers.push(new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new EngineTimeoutError(this.address, name, this.quickCallMs)), this.quickCallMs))));
    }
    try {
      const value = await Promise.race(racers);
      if (policy.exitCode && typeof value === 'number' && value !== 0) {
        // The engine stops containers as it shuts down: the code is its doing when it no longer answers.
        if ((await this.probe()) === 'down') throw new EngineConnectionLost(this.address, `the step's container stopped with code ${value} as the engine went away`);
      }
      this.answered();
      return value;
    } catch (err) {
      const explained = this.explain(err, policy);
      if (policy.removal && explained instanceof EngineConnectionLost && typeof subject === 'string') {
        this.deferred.set(`${policy.removal}:${subject}`, again as () => Promise<unknown>);
      }
      throw explained;
    } finally {
      clearTimeout(timer);
      this.end();
    }
  }

  private explain(err: unknown, policy: CallPolicy): unknown {
    if (err instanceof EngineConnectionLost || err instanceof EngineTimeoutError) return err;
    if (isEngineConnectionError(err)) return new EngineConnectionLost(this.address, err instanceof Error ? err.message : String(err));
    const status = statusOf(err);
    if (typeof status === 'number' && status >= 500 && policy.doing) {
      return new EngineCallError(`The Docker engine could not ${policy.doing}: ${engineMessage(err)}`, status);
    }
    return err;
  }

  private begin(): void {
    if (this.outstanding++ === 0) {
      this.misses = 0;
      this.pinger = setInterval(() => void this.tick(), this.pingEveryMs);
      this.pinger.unref();
    }
  }

  private end(): void {
    if (--this.outstanding === 0) {
      clearInterval(this.pinger);
      this.pinger = undefined;
    }
  }

  private async tick(): Promise<void> {
    if (this.pinging) return;
    this.pinging = true;
    try {
      const state = await this.probe();
      if (state === 'up') {
        this.misses = 0;
        this.answered();
      } else if (state === 'down' || ++this.misses >= this.missesToLose) {
        this.loseConnection(state === 'down' ? 'it stopped answering' : `no answer for ${Math.round((this.misses * this.pingTimeoutMs) / 1000)} s`);
      }
    } finally {
      this.pinging = false;
    }
  }

  /** Pings the engine: up, down (the connection fails), or slow (no answer in time). */
  private async probe(): Promise<'up' | 'down' | 'slow'> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<'slow'>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve('slow');
      }, this.pingTimeoutMs);
    });
    // dockerode's ping takes an abort signal; its typings do not say so.
    const ping = this.docker.ping as unknown as (options: { abortSignal: AbortSignal }) => Promise<unknown>;
    const answer = ping.call(this.docker, { abortSignal: controller.signal }).then(
      () => 'up' as const,
      (err: unknown) => (isEngineConnectionError(err) ? ('down' as const) : controller.signal.aborted ? ('slow' as const) : ('up' as const)),
    );
    try {
      return await Promise.race([answer, slow]);
    } finally {
      clearTimeout(timer);
    }
  }

  private loseConnection(reason: string): void {
    const lost = this.lost;
    this.lost = newLost();
    lost.reject(new EngineConnectionLost(this.address, reason));
  }

  /** The engine answered: do the removals it missed. */
  private answered(): void {
    if (this.deferred.size === 0 || this.flushing) return;
    this.flushing = true;
    void (async () => {
      for (const [key, remove] of [...this.deferred]) {
        try {
          await remove();
          this.deferred.delete(key);
        } catch (err) {
          // Still away: try again at its next answer. Gone already, or refused: nothing more to do.
          if (!isEngineConnectionError(err)) this.deferred.delete(key);
        }
      }
    })().finally(() => (this.flushing = false));
  }
}
