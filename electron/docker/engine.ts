import Docker from 'dockerode';
import type { EngineInfo } from '../../shared/contract';
import { clientAddress } from './connect';
import { connectionFailure } from './connection-errors';
import { isPodman } from './podman';

/**
 * A dockerode client for the engine the user's Docker CLI would talk to: DOCKER_HOST
 * (with DOCKER_TLS_VERIFY / DOCKER_CERT_PATH) when set, the local socket otherwise.
 */
export function connectEngine(options?: Docker.DockerOptions): Docker {
  return new Docker(options);
}

/** Where the engine is expected, for messages that tell the user what to start. */
export function engineAddress(): string {
  return process.env.DOCKER_HOST ?? (process.platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock');
}

export class EngineUnavailableError extends Error {
  override readonly name = 'EngineUnavailableError';
  constructor(cause: unknown, address = engineAddress()) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      connectionFailure(cause, address) ??
        `No Docker engine answers at ${address} (${reason}). ` +
          'Start Docker (on Linux: `sudo dockerd &` or `sudo systemctl start docker`), or set DOCKER_HOST.',
    );
  }
}

/** The engine's version, or EngineUnavailableError saying how to start one. */
export async function engineInfo(docker: Docker): Promise<EngineInfo> {
  let v: Docker.DockerVersion;
  try {
    v = await docker.version();
  } catch (err) {
    throw new EngineUnavailableError(err, clientAddress(docker));
  }
  return { version: v.Version, apiVersion: v.ApiVersion, os: v.Os, arch: v.Arch, ...(isPodman(v) ? { kind: 'podman' as const } : {}) };
}

/** The connection codes that mean the engine (or the way to it) went away, not that it refused a request. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

/** A failure to reach the engine at all (socket missing, refusing, or cut mid-call), as opposed to an engine error. */
export function isEngineConnectionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  if (err instanceof EngineConnectionLost) return true;
  const { code, address, message } = err as { code?: string; address?: string; message?: string };
  if (code !== undefined && CONNECTION_CODES.has(code)) return true;
  if (code === 'ENOENT' && address !== undefined) return true;
  // Node's words for a connection closed before (or while) the answer came.
  return typeof message === 'string' && /^(socket hang up|aborted)$/.test(message);
}

/**
 * The engine went away while Slipway was using it (it stopped, restarted or crashed, or the
 * connection to it broke): one message for every call that was cut short, saying what to do.
 */
export class EngineConnectionLost extends Error {
  override readonly name = 'EngineConnectionLost';
  readonly code = 'ENGINE_CONNECTION_LOST';
  constructor(
    readonly address: string,
    reason: string,
  ) {
    super(
      `Lost the connection to the Docker engine at ${address} (${reason}). ` +
        'It stopped or restarted during the build: start it again, then retry the build.',
    );
  }
}

/** True when the engine answers a ping within `timeoutMs`. */
export async function engineAnswers(docker: Docker, timeoutMs = 5_000): Promise<boolean> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error('no answer'));
    }, timeoutMs);
  });
  // dockerode's ping takes an abort signal; its typings do not say so.
  const ping = docker.ping as unknown as (options: { abortSignal: AbortSignal }) => Promise<unknown>;
  try {
    await Promise.race([ping.call(docker, { abortSignal: controller.signal }), timedOut]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
