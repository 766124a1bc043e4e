/** A dockerode client for a resolved endpoint (endpoints.ts), and the address a client talks to. */
import Docker from 'dockerode';
import { SshDialAgent } from './ssh-dial';
import { describeEndpoint, dockerOptions, EndpointError, resolveEndpoint, type EndpointChoice, type EngineEndpoint } from './endpoints';

export interface EngineConnection {
  endpoint: EngineEndpoint;
  docker: Docker;
}

type Env = Record<string, string | undefined>;

/** The engine the choice names (or the one `docker` would use), connected lazily: nothing is sent yet. */
export function connectTo(choice: EndpointChoice = {}, env: Env = process.env): EngineConnection {
  const endpoint = resolveEndpoint(choice, env);
  try {
    return { endpoint, docker: new Docker(dockerOptions(endpoint, env)) };
  } catch (err) {
    // The client reads DOCKER_HOST / DOCKER_CERT_PATH itself even when told the endpoint: a broken one fails here.
    throw new EndpointError(`cannot use ${describeEndpoint(endpoint)}: ${(err as Error).message}`);
  }
}

interface ModemAddress {
  agent?: unknown;
  socketPath?: string | (() => unknown);
  host?: string;
  port?: string | number;
  protocol?: string;
}

/** Where a client sends its requests: a socket path or protocol://host:port (never credentials). */
export function clientAddress(docker: Docker): string {
  const modem = docker.modem as unknown as ModemAddress;
  const ssh = modem.protocol === 'ssh' || modem.agent instanceof SshDialAgent;
  if (modem.host) return `${ssh ? 'ssh' : 'tcp'}://${modem.host}${modem.port ? `:${modem.port}` : ''}`;
  if (typeof modem.socketPath === 'string') return `unix://${modem.socketPath}`;
  return process.platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock';
}
