import Docker from 'dockerode';
import type { EngineInfo } from '../../shared/contract';
import { clientAddress } from './connect';
import { tlsFailure } from './connection-errors';
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
      tlsFailure(cause, address) ??
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

/** A failure to reach the engine at all (socket missing or refusing), as opposed to an engine error. */
export function isEngineConnectionError(err: unknown): boolean {
  const { code, address } = err as { code?: string; address?: string };
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || (code === 'ENOENT' && address !== undefined);
}
