import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCKER_HUB_AUTH_KEY, registryAuthFor, registryOf } from '../../../electron/docker/registry-auth';

function config(content: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-auth-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(content));
  return dir;
}
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('registry auth from the docker CLI config', () => {
  it('finds the registry of a reference as the engine does', () => {
    expect(registryOf('busybox')).toBe('docker.io');
    expect(registryOf('library/busybox:1')).toBe('docker.io');
    expect(registryOf('docker.io/library/busybox')).toBe('docker.io');
    expect(registryOf('index.docker.io/x/y')).toBe('docker.io');
    expect(registryOf('127.0.0.1:5000/test/busybox:1')).toBe('127.0.0.1:5000');
    expect(registryOf('localhost/x')).toBe('localhost');
    expect(registryOf('ghcr.io/o/i@sha256:' + 'a'.repeat(64))).toBe('ghcr.io');
  });

  it('decodes `auth` for the image\'s registry, whatever form the key has', async () => {
    const dir = config({ auths: { 'https://127.0.0.1:5000/v2/': { auth: b64('alice:s3cr:et') }, [DOCKER_HUB_AUTH_KEY]: { auth: b64('hub:pw') } } });
    expect(await registryAuthFor('127.0.0.1:5000/test/busybox:1', { DOCKER_CONFIG: dir })).toEqual({ serveraddress: '127.0.0.1:5000', username: 'alice', password: 's3cr:et' });
    expect(await registryAuthFor('busybox', { DOCKER_CONFIG: dir })).toEqual({ serveraddress: DOCKER_HUB_AUTH_KEY, username: 'hub', password: 'pw' });
    expect(await registryAuthFor('quay.io/x/y', { DOCKER_CONFIG: dir })).toBeUndefined();
  });

  it('reads ~/.docker when DOCKER_CONFIG is not set; no config is an anonymous pull', async () => {
    const home = mkdtempSync(join(tmpdir(), 'home-'));
    expect(await registryAuthFor('busybox', { HOME: home })).toBeUndefined();
  });

  it('asks the credential helper, and says clearly when it is missing', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'bin-'));
    const helper = join(bin, 'docker-credential-slipwaytest');
    writeFileSync(helper, '#!/bin/sh\nread url\nif [ "$url" = "reg.example:5000" ]; then echo \'{"ServerURL":"reg.example:5000","Username":"bob","Secret":"pw"}\'; else echo "credentials not found in native keychain"; exit 1; fi\n');
    chmodSync(helper, 0o755);
    const env = { PATH: `${bin}:${process.env.PATH}`, DOCKER_CONFIG: config({ credsStore: 'slipwaytest' }) };
    expect(await registryAuthFor('reg.example:5000/a/b', env)).toEqual({ serveraddress: 'reg.example:5000', username: 'bob', password: 'pw' });
    expect(await registryAuthFor('other.example/a', env)).toBeUndefined();
    const missing = { PATH: bin, DOCKER_CONFIG: config({ credHelpers: { 'reg.example:5000': 'nothere' } }) };
    await expect(registryAuthFor('reg.example:5000/a/b', missing)).rejects.toThrow(/docker-credential-nothere is not installed/);
  });

  it('never puts a credential in its errors', async () => {
    const dir = config({ auths: { 'reg.example': { auth: b64('no-colon-secret') } } });
    const err = await registryAuthFor('reg.example/a', { DOCKER_CONFIG: dir }).catch((e: Error) => e);
    expect(String(err)).toMatch(/malformed/);
    expect(String(err)).not.toContain('no-colon-secret');
    expect(String(err)).not.toContain(b64('no-colon-secret'));
  });
});
