/**
 * The engines one app talks to: the current one (what `docker` alone would use, or the client
 * given to the core) and every docker context a build or a call names. Each engine gets one
 * client, one start-up sweep of dead builds' leftovers, and one BuildEngine with its own cache.
 */
import type Docker from 'dockerode';
import type { EngineContextInfo } from '../../shared/engines';
import type { BuildEngine } from '../builder/session';
import { clientAddress, connectTo } from '../docker/connect';
import { currentContextName, DEFAULT_CONTEXT, listContexts } from '../docker/endpoints';
import { createBuildEngine } from './build-engine';
import { sweepLeftovers } from './sweep';

export interface EngineHandle {
  /** The docker context's name. */
  name: string;
  docker: Docker;
  /** The builder's backends on this engine, made on first use (again after a failure). */
  buildEngine(): Promise<BuildEngine>;
}

type Env = Record<string, string | undefined>;

export class EnginePool {
  private readonly handles = new Map<string, EngineHandle>();
  /** The context used when none is named. */
  readonly currentName: string;

  constructor(
    private readonly home: string,
    primary?: Docker,
    private readonly env: Env = process.env,
  ) {
    let current = DEFAULT_CONTEXT;
    try {
      current = currentContextName(env);
    } catch {
      // A broken config.json: the current engine's handle says so when it is asked for.
    }
    this.currentName = current;
    if (primary) this.adopt(current, primary);
  }

  /** The engine of the named context (the current one without a name); EndpointError if it cannot be used. */
  handle(name?: string): EngineHandle {
    const key = name ?? this.currentName;
    const known = this.handles.get(key);
    if (known) return known;
    const { docker } = connectTo(key === this.currentName ? {} : { context: key }, this.env);
    return this.adopt(key, docker);
  }

  /** The docker CLI's contexts, read afresh (the user may add one while the app runs). */
  contexts(): EngineContextInfo[] {
    // The current engine's client may have been given (not resolved here): show where it talks to.
    const current = this.handles.get(this.currentName);
    return listContexts(this.env).map((c) =>
      c.name === this.currentName ? { ...c, current: true, ...(current ? { host: clientAddress(current.docker) } : {}) } : { ...c, current: false },
    );
  }

  private adopt(name: string, docker: Docker): EngineHandle {
    let engine: Promise<BuildEngine> | undefined;
    const handle: EngineHandle = {
      name,
      docker,
      buildEngine: () => {
        engine ??= createBuildEngine(docker, this.home).catch((err: unknown) => {
          engine = undefined;
          throw err;
        });
        return engine;
      },
    };
    this.handles.set(name, handle);
    // Leftovers of builds that died with an earlier process; an engine that is down is not an error here.
    void sweepLeftovers(docker, this.home).catch(() => {});
    return handle;
  }
}
