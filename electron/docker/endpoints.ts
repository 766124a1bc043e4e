/**
 * Which Docker engine to talk to, resolved as the docker CLI resolves it: `--host` or
 * DOCKER_HOST (with DOCKER_TLS_VERIFY / DOCKER_CERT_PATH), else a context (`--context`,
 * DOCKER_CONTEXT, config.json's `currentContext`), else the local socket. Contexts are read from
 * the CLI's own store: `<config dir>/contexts/meta/<sha256(name)>/meta.json` and the TLS files
 * in `<config dir>/contexts/tls/<sha256(name)>/docker/`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { EngineContextInfo } from '../../shared/engines';
import { hostKeyVerifier } from './known-hosts';
import { SshDialAgent } from './ssh-dial';

/** The name docker gives the engine of DOCKER_HOST or the local socket. */
export const DEFAULT_CONTEXT = 'default';

export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** Check the engine's certificate (off only for SkipTLSVerify contexts or DOCKER_TLS without verify). */
  verify: boolean;
}

export interface EngineEndpoint {
  /** The docker context this is (`default` for DOCKER_HOST, `--host` or the local socket). */
  context: string;
  /** unix:///var/run/docker.sock, tcp://host:port, ssh://user@host, npipe://… */
  host: string;
  tls?: TlsMaterial;
}

/** What the user chose: a host (`--host`), a context (`--context`), or neither (the CLI's choice). */
export interface EndpointChoice {
  host?: string;
  context?: string;
}

/** One engine the user can pick (the contract's type). */
export type EngineContext = EngineContextInfo;

/** A context or host that cannot be used, said the way the user can fix it. */
export class EndpointError extends Error {
  override readonly name = 'EndpointError';
}

type Env = Record<string, string | undefined>;

/** The docker CLI's configuration folder: DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir(env: Env = process.env): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

export function defaultHost(): string {
  return process.platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock';
}

/** The engine the choice names, as `docker --host/--context` would pick it. */
export function resolveEndpoint(choice: EndpointChoice = {}, env: Env = process.env): EngineEndpoint {
  if (choice.host && choice.context) throw new EndpointError('conflicting options: either specify --host or --context, not both');
  if (choice.host) return defaultEndpoint(env, choice.host);
  const name = choice.context || currentContextName(env);
  return name === DEFAULT_CONTEXT ? defaultEndpoint(env) : contextEndpoint(name, env);
}

/** The context `docker` uses without flags: `default` under DOCKER_HOST, else DOCKER_CONTEXT, else config.json's. */
export function currentContextName(env: Env = process.env): string {
  if (env.DOCKER_HOST) return DEFAULT_CONTEXT;
  if (env.DOCKER_CONTEXT) return env.DOCKER_CONTEXT;
  return readConfigFile(env)?.currentContext || DEFAULT_CONTEXT;
}

/** Every context of the docker CLI's store, `default` first; a broken one is listed with its error. */
export function listContexts(env: Env = process.env): EngineContext[] {
  let current: string;
  try {
    current = currentContextName(env);
  } catch {
    current = DEFAULT_CONTEXT;
  }
  const out: EngineContext[] = [{ name: DEFAULT_CONTEXT, host: defaultHostOf(env), description: 'DOCKER_HOST or the local socket', current: current === DEFAULT_CONTEXT }];
  const metaRoot = join(dockerConfigDir(env), 'contexts', 'meta');
  const dirs = existsSync(metaRoot) ? readdirSync(metaRoot, { withFileTypes: true }).filter((d) => d.isDirectory()) : [];
  const found: EngineContext[] = [];
  for (const dir of dirs) {
    const file = join(metaRoot, dir.name, 'meta.json');
    try {
      const meta = parseMeta(readFileSync(file, 'utf8'), file);
      const entry: EngineContext = { name: meta.name, host: meta.host ?? '', current: meta.name === current };
      if (meta.description) entry.description = meta.description;
      if (!meta.host) entry.error = 'the context has no docker endpoint';
      else {
        const problem = hostProblem(meta.host);
        if (problem) entry.error = problem;
      }
      found.push(entry);
    } catch (err) {
      found.push({ name: dir.name, host: '', current: false, error: (err as Error).message });
    }
  }
  found.sort((a, b) => a.name.localeCompare(b.name));
  return [...out, ...found];
}

/** dockerode options for the endpoint, every connection field set so nothing is taken from the environment. */
export function dockerOptions(endpoint: EngineEndpoint, env: Env = process.env): Docker.DockerOptions {
  const none = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined, ca: undefined, cert: undefined, key: undefined, username: undefined };
  const url = parseHost(endpoint.host);
  if (url.kind === 'socket') return { ...none, socketPath: url.path };
  if (url.kind === 'ssh') {
    const port = url.port || '22';
    const agent = new SshDialAgent({
      host: url.hostname,
      port: Number(port),
      ...(url.username ? { username: url.username } : {}),
      ...sshAuth(env),
      hostVerifier: hostKeyVerifier(knownHostsFile(env), url.hostname, Number(port)),
    });
    // Plain HTTP through the ssh agent (ssh-dial.ts); host and port only name the engine.
    return { ...none, protocol: 'http', host: url.hostname, port, agent } as Docker.DockerOptions;
  }
  const tls = endpoint.tls;
  if (!tls) return { ...none, protocol: 'http', host: url.hostname, port: url.port || '2375' };
  const material = { ...(tls.ca ? { ca: tls.ca } : {}), ...(tls.cert ? { cert: tls.cert } : {}), ...(tls.key ? { key: tls.key } : {}) };
  return {
    ...none,
    protocol: 'https',
    host: url.hostname,
    port: url.port || '2376',
    ...material,
    // The modem has no switch for an unverified engine; an agent that skips the check is one.
    ...(tls.verify ? {} : { agent: new Agent({ rejectUnauthorized: false, ...material }) }),
  } as Docker.DockerOptions;
}

/** The endpoint's host, for messages (never with credentials: docker hosts carry none but ssh's user). */
export function describeEndpoint(endpoint: EngineEndpoint): string {
  return endpoint.context === DEFAULT_CONTEXT ? endpoint.host : `${endpoint.host} (context "${endpoint.context}")`;
}

/** The sha256 of a context name: the folder its metadata and TLS files live in. */
export const contextDirName = (name: string): string => createHash('sha256').update(name).digest('hex');

function defaultHostOf(env: Env): string {
  return env.DOCKER_HOST || defaultHost();
}

/** The `default` context: DOCKER_HOST (or `--host`) with the TLS environment, or the local socket. */
function defaultEndpoint(env: Env, host = defaultHostOf(env)): EngineEndpoint {
  const problem = hostProblem(host);
  if (problem) throw new EndpointError(problem);
  const verify = !!env.DOCKER_TLS_VERIFY;
  if (!verify && !env.DOCKER_TLS) return { context: DEFAULT_CONTEXT, host };
  if (parseHost(host).kind !== 'tcp') return { context: DEFAULT_CONTEXT, host };
  // As the CLI: certificates from DOCKER_CERT_PATH (else the config folder); a missing file is skipped.
  const dir = env.DOCKER_CERT_PATH || dockerConfigDir(env);
  return { context: DEFAULT_CONTEXT, host, tls: { ...readTlsFiles(dir), verify } };
}

function contextEndpoint(name: string, env: Env): EngineEndpoint {
  const hash = contextDirName(name);
  const file = join(dockerConfigDir(env), 'contexts', 'meta', hash, 'meta.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new EndpointError(`context "${name}" does not exist (no ${file}); \`docker context ls\` lists the contexts`);
  }
  const meta = parseMeta(text, file);
  if (!meta.host) throw new EndpointError(`context "${name}" has no docker endpoint`);
  const problem = hostProblem(meta.host);
  if (problem) throw new EndpointError(`context "${name}": ${problem}`);
  const tlsDir = join(dockerConfigDir(env), 'contexts', 'tls', hash, 'docker');
  const files = existsSync(tlsDir) ? readTlsFiles(tlsDir) : {};
  const hasTls = Object.keys(files).length > 0;
  // The CLI's rule: TLS when the context stores TLS files or skips verification; plain otherwise.
  if (parseHost(meta.host).kind !== 'tcp' || (!hasTls && !meta.skipTlsVerify)) return { context: name, host: meta.host };
  return { context: name, host: meta.host, tls: { ...files, verify: !meta.skipTlsVerify } };
}

interface ContextMeta {
  name: string;
  host?: string;
  skipTlsVerify: boolean;
  description?: string;
}

function parseMeta(text: string, file: string): ContextMeta {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new EndpointError(`${file} is not valid JSON`);
  }
  const meta = raw as { Name?: unknown; Metadata?: { Description?: unknown }; Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
  if (typeof meta.Name !== 'string') throw new EndpointError(`${file} has no context name`);
  const docker = meta.Endpoints?.docker;
  return {
    name: meta.Name,
    ...(typeof docker?.Host === 'string' && docker.Host ? { host: docker.Host } : {}),
    skipTlsVerify: docker?.SkipTLSVerify === true,
    ...(typeof meta.Metadata?.Description === 'string' && meta.Metadata.Description ? { description: meta.Metadata.Description } : {}),
  };
}

function readConfigFile(env: Env): { currentContext?: string } | undefined {
  const file = join(dockerConfigDir(env), 'config.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { currentContext?: string };
  } catch {
    throw new EndpointError(`${file} is not valid JSON`);
  }
}

function readTlsFiles(dir: string): Omit<TlsMaterial, 'verify'> {
  const read = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name)) : undefined);
  const ca = read('ca.pem');
  const cert = read('cert.pem');
  const key = read('key.pem');
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

type ParsedHost =
  | { kind: 'socket'; path: string }
  | { kind: 'tcp'; hostname: string; port: string }
  | { kind: 'ssh'; hostname: string; port: string; username: string };

/** A docker host address; `host:port` alone means tcp, as in the CLI. */
export function parseHost(host: string): ParsedHost {
  if (host.startsWith('unix://')) return { kind: 'socket', path: host.slice('unix://'.length) || '/var/run/docker.sock' };
  if (host.startsWith('npipe://')) return { kind: 'socket', path: host.slice('npipe://'.length) || '//./pipe/docker_engine' };
  const withScheme = host.includes('://') ? host : `tcp://${host}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new EndpointError(`"${host}" is not a docker host (unix:///path, tcp://host:port or ssh://user@host)`);
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (url.protocol === 'ssh:') return { kind: 'ssh', hostname, port: url.port, username: decodeURIComponent(url.username) };
  if (url.protocol === 'tcp:') return { kind: 'tcp', hostname, port: url.port };
  throw new EndpointError(`"${host}": Slipway talks to engines over unix://, tcp:// (with TLS) and ssh://, not ${url.protocol.replace(/:$/, '')}://`);
}

/** Why the host cannot be used, or undefined. */
function hostProblem(host: string): string | undefined {
  try {
    parseHost(host);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The known_hosts file ssh:// engines' host keys are checked against. */
export function knownHostsFile(env: Env): string {
  return join(env.HOME || homedir(), '.ssh', 'known_hosts');
}

/**
 * ssh:// engines run `docker system dial-stdio` on the remote host over ssh2: the key comes from
 * the ssh agent (SSH_AUTH_SOCK) when there is one, else from the usual key files in ~/.ssh.
 */
function sshAuth(env: Env): { agent: string } | { privateKey: Buffer } {
  if (env.SSH_AUTH_SOCK) return { agent: env.SSH_AUTH_SOCK };
  const dir = join(env.HOME || homedir(), '.ssh');
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    const file = join(dir, name);
    if (existsSync(file)) return { privateKey: readFileSync(file) };
  }
  throw new EndpointError(`ssh:// engines need an ssh agent (SSH_AUTH_SOCK) or a key in ${dir} (id_ed25519, id_ecdsa or id_rsa)`);
}
