import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SshDialAgent } from '../../../electron/docker/ssh-dial';
import { contextDirName, currentContextName, dockerOptions, listContexts, parseHost, resolveEndpoint } from '../../../electron/docker/endpoints';

/** A docker config folder with the contexts given, as `docker context create` writes them. */
function configDir(contexts: Record<string, { host: string; skipTls?: boolean; tls?: boolean }>, current?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-docker-config-'));
  for (const [name, c] of Object.entries(contexts)) {
    const meta = join(dir, 'contexts', 'meta', contextDirName(name));
    mkdirSync(meta, { recursive: true });
    writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: name, Metadata: { Description: `about ${name}` }, Endpoints: { docker: { Host: c.host, SkipTLSVerify: !!c.skipTls } } }));
    if (c.tls) {
      const tls = join(dir, 'contexts', 'tls', contextDirName(name), 'docker');
      mkdirSync(tls, { recursive: true });
      for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(tls, f), `${name}-${f}`);
    }
  }
  if (current) writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: current }));
  return dir;
}

describe('engine endpoints, resolved as the docker CLI resolves them', () => {
  it('uses the local socket when nothing is set', () => {
    const env = { DOCKER_CONFIG: configDir({}) };
    expect(resolveEndpoint({}, env)).toEqual({ context: 'default', host: 'unix:///var/run/docker.sock' });
    expect(dockerOptions(resolveEndpoint({}, env), env)).toMatchObject({ socketPath: '/var/run/docker.sock', host: undefined });
  });

  it('prefers DOCKER_HOST over DOCKER_CONTEXT and config.json, and an explicit context over DOCKER_HOST', () => {
    const dir = configDir({ remote: { host: 'tcp://10.0.0.2:2375' }, other: { host: 'unix:///run/other.sock' } }, 'other');
    expect(currentContextName({ DOCKER_CONFIG: dir })).toBe('other');
    expect(currentContextName({ DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'remote' })).toBe('remote');
    expect(currentContextName({ DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'remote', DOCKER_HOST: 'tcp://h:1' })).toBe('default');
    expect(resolveEndpoint({ context: 'remote' }, { DOCKER_CONFIG: dir, DOCKER_HOST: 'tcp://h:1' }).host).toBe('tcp://10.0.0.2:2375');
    expect(resolveEndpoint({ host: 'tcp://x:5' }, { DOCKER_CONFIG: dir }).host).toBe('tcp://x:5');
    expect(() => resolveEndpoint({ host: 'tcp://x:5', context: 'remote' }, { DOCKER_CONFIG: dir })).toThrow(/either specify --host or --context/);
  });

  it('reads TLS from DOCKER_CERT_PATH when DOCKER_TLS_VERIFY is set (any value, as the CLI)', () => {
    const certs = mkdtempSync(join(tmpdir(), 'certs-'));
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(certs, f), f);
    const env = { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs };
    const endpoint = resolveEndpoint({}, env);
    expect(endpoint.tls?.verify).toBe(true);
    expect(endpoint.tls?.ca?.toString()).toBe('ca.pem');
    expect(dockerOptions(endpoint, env)).toMatchObject({ protocol: 'https', host: '127.0.0.1', port: '2376', socketPath: undefined });
    // Without DOCKER_TLS_VERIFY the same host is plain HTTP (the client would otherwise guess from the port).
    expect(dockerOptions(resolveEndpoint({}, { DOCKER_HOST: 'tcp://127.0.0.1:2376' }), {})).toMatchObject({ protocol: 'http' });
  });

  it('reads a context\'s TLS files and SkipTLSVerify', () => {
    const dir = configDir({ secure: { host: 'tcp://10.0.0.3:2376', tls: true }, loose: { host: 'tcp://10.0.0.4:2376', skipTls: true }, plain: { host: 'tcp://10.0.0.5:2375' } });
    const env = { DOCKER_CONFIG: dir };
    const secure = resolveEndpoint({ context: 'secure' }, env);
    expect(secure.tls).toMatchObject({ verify: true });
    expect(secure.tls?.cert?.toString()).toBe('secure-cert.pem');
    expect(resolveEndpoint({ context: 'loose' }, env).tls).toEqual({ verify: false });
    expect(dockerOptions(resolveEndpoint({ context: 'loose' }, env), env)).toHaveProperty('agent');
    expect(resolveEndpoint({ context: 'plain' }, env).tls).toBeUndefined();
  });

  it('says which context is missing, and lists contexts with the broken ones explained', () => {
    const dir = configDir({ b: { host: 'tcp://10.0.0.2:2375' }, a: { host: 'http://nope' } }, 'b');
    expect(() => resolveEndpoint({ context: 'ghost' }, { DOCKER_CONFIG: dir })).toThrow(/context "ghost" does not exist/);
    const list = listContexts({ DOCKER_CONFIG: dir });
    expect(list.map((c) => [c.name, c.current])).toEqual([
      ['default', false],
      ['a', false],
      ['b', true],
    ]);
    expect(list[1]!.error).toMatch(/not http:\/\//);
    expect(list[2]).toMatchObject({ host: 'tcp://10.0.0.2:2375', description: 'about b' });
  });

  it('parses hosts: bare host:port is tcp, ssh keeps user and port', () => {
    expect(parseHost('10.1.1.1:2375')).toEqual({ kind: 'tcp', hostname: '10.1.1.1', port: '2375' });
    expect(parseHost('ssh://me@build.example:2222')).toEqual({ kind: 'ssh', hostname: 'build.example', port: '2222', username: 'me' });
    expect(parseHost('unix:///tmp/podman.sock')).toEqual({ kind: 'socket', path: '/tmp/podman.sock' });
    expect(() => parseHost('fd://')).toThrow(/not fd:\/\//);
  });

  it('connects ssh:// through the agent, or says what it needs', () => {
    const env = { HOME: mkdtempSync(join(tmpdir(), 'home-')), SSH_AUTH_SOCK: '/run/agent.sock' };
    const options = dockerOptions({ context: 'default', host: 'ssh://me@h' }, env) as Record<string, unknown>;
    expect(options).toMatchObject({ protocol: 'http', host: 'h', port: '22', socketPath: undefined });
    expect(options.agent).toBeInstanceOf(SshDialAgent);
    expect((options.agent as unknown as { config: object }).config).toMatchObject({ host: 'h', port: 22, username: 'me', agent: '/run/agent.sock' });
    expect(() => dockerOptions({ context: 'default', host: 'ssh://me@h' }, { HOME: env.HOME })).toThrow(/ssh agent \(SSH_AUTH_SOCK\) or a key/);
  });
});
