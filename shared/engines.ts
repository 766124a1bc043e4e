/** Engines the app can build on: the docker CLI's contexts (shared by main and the renderer). */
import { isShape, isString, type Validator } from './validate';

/** One docker context, as the engine picker lists it. */
export interface EngineContextInfo {
  name: string;
  /** unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host… */
  host: string;
  description?: string;
  /** What Slipway uses when no engine is chosen (DOCKER_HOST, DOCKER_CONTEXT, or config.json's). */
  current: boolean;
  /** The context cannot be used as it is (the message says why). */
  error?: string;
}

/** A docker context name, as `docker context create` accepts them. */
export const isEngineName: Validator<string> = (v): v is string => isString(v) && /^[a-zA-Z0-9][a-zA-Z0-9_.+-]{0,127}$/.test(v);

/** `{ engine? }`, or nothing: the current engine. */
export const isEngineChoice: Validator<{ engine?: string } | undefined> = (v): v is { engine?: string } | undefined =>
  v === undefined || v === null || isShape<{ engine?: string }>({ engine: isEngineName }, ['engine'])(v);
