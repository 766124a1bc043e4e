import { describe, expect, it } from 'vitest';
import { BuildArgs } from '../../electron/builder/build-args';
import { buildGraph } from '../../electron/builder/graph';
import { loadDockerfile, syntaxNotice } from '../../electron/builder/frontend';
import { enginePlatform, formatPlatform, normalizeArch, platformArgs } from '../../electron/builder/platform';
import { heredocRunArgs } from '../../electron/builder/run/heredoc-command';
import { engineMounts, hostConfig, secretEnvScript, withSecretEnv } from '../../electron/builder/run/host-config';
import { csvFields, parseRunMount } from '../../electron/builder/run/mount-options';
import { checkDistinctTargets, planMount, type MountPlan } from '../../electron/builder/run/mount-plan';
import { keyedProbe, mountKeyLines } from '../../electron/builder/run/run-key';
import { parseSecretFlag } from '../../electron/builder/run/secrets';
import { emptyRunConfig } from '../../electron/builder/image/config';
import type { RunCommand } from '../../electron/builder/instructions';

const noExpand = (word: string) => word;
const plan = (value: string, workdir = '/', expand = noExpand) => planMount(parseRunMount(value, expand), workdir);

/** The RUN command of a one-instruction Dockerfile (after FROM). */
function runOf(text: string): RunCommand {
  const { dockerfile } = loadDockerfile(`FROM scratch\n${text}`);
  const command = dockerfile.stages[0]!.commands[0]!;
  if (command.kind !== 'RUN') throw new Error('not a RUN');
  return command;
}

describe('RUN --mount options (BuildKit rules)', () => {
  it('reads type, target, id, sharing, owner and mode, expanding each value', () => {
    const env: Record<string, string> = { DIR: '/root/.cache', ID: 'pip' };
    const m = parseRunMount('type=cache,target=$DIR,id=${ID},sharing=locked,uid=1000,gid=100,mode=0700', (w) =>
      w.replace(/\$\{?(\w+)\}?/g, (_, k: string) => env[k] ?? ''),
    );
    expect(m).toMatchObject({ type: 'cache', target: '/root/.cache', id: 'pip', sharing: 'locked', uid: 1000, gid: 100, mode: 0o700, readOnly: false });
  });

  it('makes bind and secret mounts read-only unless told, cache and tmpfs writable', () => {
    expect(parseRunMount('target=/x', noExpand)).toMatchObject({ type: 'bind', readOnly: true });
    expect(parseRunMount('type=bind,target=/x,rw', noExpand).readOnly).toBe(false);
    expect(parseRunMount('type=bind,target=/x,readwrite=true', noExpand).readOnly).toBe(false);
    expect(parseRunMount('type=tmpfs,target=/x', noExpand).readOnly).toBe(false);
    expect(parseRunMount('type=cache,target=/x,ro', noExpand).readOnly).toBe(true);
    expect(parseRunMount('type=secret,id=a', noExpand).readOnly).toBe(true);
  });

  it("rejects what BuildKit rejects, with BuildKit's words", () => {
    expect(() => parseRunMount('type=volume,target=/x', noExpand)).toThrow('unsupported mount type "volume"');
    expect(() => parseRunMount('type=tmpfs,target=/x,mode=0700', noExpand)).toThrow('mode not allowed for "tmpfs" type mounts');
    expect(() => parseRunMount('type=bind,target=/x,required', noExpand)).toThrow("unexpected key 'required' for mount type 'bind'");
    expect(() => parseRunMount('type=cache,target=/x,sharing=sometimes', noExpand)).toThrow('unsupported sharing value "sometimes"');
    expect(() => parseRunMount('type=bind,target=/x,sharing=locked', noExpand)).toThrow('invalid cache sharing set for bind mount');
    expect(() => parseRunMount('type=secret,from=x,id=a', noExpand)).toThrow('secret mount should not have a from');
    expect(() => parseRunMount('type=secret,source=a,id=b', noExpand)).toThrow("both source and id can't be set");
    expect(() => parseRunMount('type=cache,target=/x,colour=red', noExpand)).toThrow("unexpected key 'colour' in 'colour=red'");
    expect(() => parseRunMount('type=cache,target', noExpand)).toThrow("invalid field 'target' must be a key=value pair");
    expect(() => parseRunMount('type=cache,target=/x,uid=-1', noExpand)).toThrow('invalid value -1 for uid');
  });

  it('reads tmpfs sizes as go-units does (binary multipliers)', () => {
    expect(parseRunMount('type=tmpfs,target=/t,size=64m', noExpand).sizeLimit).toBe(64 * 1024 * 1024);
    expect(parseRunMount('type=tmpfs,target=/t,size=1.5GiB', noExpand).sizeLimit).toBe(1.5 * 1024 ** 3);
    expect(parseRunMount('type=tmpfs,target=/t,size=4096', noExpand).sizeLimit).toBe(4096);
    expect(() => parseRunMount('type=tmpfs,target=/t,size=lots', noExpand)).toThrow('invalid value for size: lots');
  });

  it('splits fields as CSV: quoted fields may hold commas', () => {
    expect(csvFields('type=bind,"source=a,b",target=/x')).toEqual(['type=bind', 'source=a,b', 'target=/x']);
    expect(csvFields('"a""b",c')).toEqual(['a"b', 'c']);
    expect(() => csvFields('a,b"c')).toThrow('bare "');
  });
});

describe('mount plans', () => {
  it('puts relative targets under WORKDIR and keys a cache by its target as written', () => {
    expect(plan('type=cache,target=.cache/', '/app')).toEqual({ kind: 'cache', target: '/app/.cache', id: '.cache', sharing: 'shared', readOnly: false });
    expect(plan('type=cache,target=/root/.cache/')).toMatchObject({ target: '/root/.cache', id: '/root/.cache' });
    expect(plan('type=cache,target=/c,id=shared-id')).toMatchObject({ id: 'shared-id' });
  });

  it('gives a secret its id from source, id or the target, and /run/secrets/<id> unless env only', () => {
    expect(plan('type=secret,id=npmrc')).toMatchObject({ id: 'npmrc', target: '/run/secrets/npmrc', mode: 0o400, uid: 0, gid: 0, required: false });
    expect(plan('type=secret,source=tok')).toMatchObject({ id: 'tok', target: '/run/secrets/tok' });
    expect(plan('type=secret,target=/root/.npmrc')).toMatchObject({ id: '.npmrc', target: '/root/.npmrc' });
    const envOnly = plan('type=secret,id=tok,env=TOKEN,required');
    expect(envOnly).toMatchObject({ id: 'tok', env: 'TOKEN', required: true });
    expect(envOnly).not.toHaveProperty('target');
  });

  it('cleans bind sources and keeps from', () => {
    expect(plan('type=bind,source=./src/../lib,target=/l,from=builder')).toEqual({ kind: 'bind', target: '/l', source: '/lib', from: 'builder', readOnly: true });
    expect(plan('target=/ctx')).toMatchObject({ source: '/' });
  });

  it('refuses a mount on /, two mounts on one target, ssh and seeded caches', () => {
    expect(() => plan('type=tmpfs,target=/')).toThrow('invalid mount target "/"');
    expect(() => plan('type=tmpfs,target=..', '/')).toThrow('invalid mount target');
    expect(() => checkDistinctTargets([plan('type=tmpfs,target=/t'), plan('type=cache,target=/t/')])).toThrow('duplicate mount target "/t"');
    expect(() => plan('type=ssh')).toThrow(/ssh is not supported/);
    expect(() => plan('type=cache,target=/c,from=base')).toThrow(/not supported/);
  });
});

describe('mounts as HostConfig', () => {
  const plans: MountPlan[] = [
    plan('type=cache,target=/root/.cache,ro'),
    plan('type=tmpfs,target=/tmp/t,size=1m'),
    plan('type=bind,source=src,target=/src,rw'),
    plan('type=secret,id=tok'),
    plan('type=secret,id=env-only,env=TOKEN'),
    plan('type=secret,id=missing'),
  ];
  const placed = {
    scratchDir: '/var/lib/docker/volumes/s/_data/',
    cacheVolumes: new Map([[0, 'slipway-cache-abc']]),
    scratchPaths: new Map([
      [2, 'binds/2'],
      [3, 'secrets/3'],
    ]),
    pipes: 'pipes',
    secretEnv: 'env/secrets.sh',
  };

  it('maps each kind to the Engine API mount, secrets and scripts from the scratch volume', () => {
    expect(engineMounts(plans, placed)).toEqual([
      { Type: 'volume', Source: 'slipway-cache-abc', Target: '/root/.cache', ReadOnly: true, VolumeOptions: { NoCopy: true } },
      { Type: 'tmpfs', Target: '/tmp/t', ReadOnly: false, TmpfsOptions: { SizeBytes: 1024 * 1024 } },
      { Type: 'bind', Source: '/var/lib/docker/volumes/s/_data/binds/2', Target: '/src', ReadOnly: false },
      { Type: 'bind', Source: '/var/lib/docker/volumes/s/_data/secrets/3', Target: '/run/secrets/tok', ReadOnly: true },
      { Type: 'bind', Source: '/var/lib/docker/volumes/s/_data/pipes', Target: '/dev/pipes', ReadOnly: true },
      { Type: 'bind', Source: '/var/lib/docker/volumes/s/_data/env/secrets.sh', Target: '/dev/.slipway-secret-env', ReadOnly: true },
    ]);
  });

  it('sets NetworkMode for none and host only, and nothing when there is nothing to set', () => {
    expect(hostConfig([], { cacheVolumes: new Map(), scratchPaths: new Map() }, 'none')).toEqual({ NetworkMode: 'none' });
    expect(hostConfig([], { cacheVolumes: new Map(), scratchPaths: new Map() }, 'host')).toEqual({ NetworkMode: 'host' });
    expect(hostConfig([], { cacheVolumes: new Map(), scratchPaths: new Map() }, 'default')).toBeUndefined();
  });

  it('wraps the command to export env secrets without touching its arguments', () => {
    expect(withSecretEnv(['/bin/sh', '-c', 'echo "$TOKEN"'])).toEqual(['/bin/sh', '-c', '. /dev/.slipway-secret-env && exec "$@"', 'sh', '/bin/sh', '-c', 'echo "$TOKEN"']);
    const script = secretEnvScript(new Map([['TOKEN', Buffer.from("it's\n$x")]])).toString();
    expect(script).toBe("export TOKEN='it'\\''s\n$x'\n");
  });
});

describe('cache keys of RUN mounts', () => {
  it('has mount type, target and ids, the bind source digest, the script digest and the network; never secret content', () => {
    const plans = [plan('type=cache,target=/c,sharing=locked,mode=0700'), plan('type=bind,target=/s'), plan('type=secret,id=tok,env=T')];
    const lines = mountKeyLines(plans, new Map([[1, 'context:dir:abc']]), { name: 'EOF', content: '#!/bin/sh\necho hi\n' }, 'none');
    expect(lines[0]).toBe('cache target=/c id=/c sharing=locked mode=700');
    expect(lines[1]).toBe('bind target=/s source=/ from=context:dir:abc');
    expect(lines[2]).toBe('secret id=tok env=T uid=0 gid=0 mode=400');
    expect(lines[3]).toMatch(/^heredoc name=EOF content=sha256:[0-9a-f]{64}$/);
    expect(lines[4]).toBe('network mode=none');
    const probe = emptyRunConfig();
    expect(keyedProbe(probe, [])).toBe(probe);
    expect(keyedProbe(probe, lines)).toMatchObject({ RunMounts: lines });
  });

  it('differs when a mount option differs', () => {
    const a = mountKeyLines([plan('type=cache,target=/c')], new Map(), undefined, undefined);
    const b = mountKeyLines([plan('type=cache,target=/c,id=other')], new Map(), undefined, undefined);
    const c = mountKeyLines([plan('type=tmpfs,target=/c')], new Map(), undefined, undefined);
    expect(new Set([a[0], b[0], c[0]]).size).toBe(3);
  });
});

describe('heredoc RUN commands (BuildKit dispatchRun)', () => {
  it('runs a lone heredoc body as the shell command string', () => {
    const run = runOf('RUN <<EOF\necho one\necho two\nEOF');
    expect(heredocRunArgs(run)).toEqual({ args: ['echo one\necho two\n'] });
  });

  it('chomps leading tabs for <<- and ignores the quoting of the terminator', () => {
    expect(heredocRunArgs(runOf("RUN <<-'EOF'\n\techo $HOME\n\t\techo x\n\tEOF"))).toEqual({ args: ['echo $HOME\necho x\n'] });
  });

  it('makes a body with a shebang a script in /dev/pipes', () => {
    const run = runOf('RUN <<SCRIPT\n#!/usr/bin/env python3\nprint(1)\nSCRIPT');
    expect(heredocRunArgs(run)).toEqual({ args: ['/dev/pipes/SCRIPT'], script: { name: 'SCRIPT', content: '#!/usr/bin/env python3\nprint(1)\n' } });
  });

  it('puts a more complex line back together with every body and terminator', () => {
    const run = runOf('RUN <<A cat > /x && cat <<B > /y\nfrom a\nA\nfrom b\nB');
    expect(heredocRunArgs(run)).toEqual({ args: ['<<A cat > /x && cat <<B > /y\nfrom a\nA\nfrom b\nB'] });
    expect(heredocRunArgs(runOf('RUN <<EOF bash\necho hi\nEOF'))).toEqual({ args: ['<<EOF bash\necho hi\nEOF'] });
  });

  it('leaves commands without heredocs alone', () => {
    expect(heredocRunArgs(runOf('RUN echo plain'))).toEqual({ args: ['echo plain'] });
    expect(heredocRunArgs(runOf('RUN ["echo", "x"]'))).toEqual({ args: ['echo', 'x'] });
  });
});

describe('platform ARGs', () => {
  it("normalises architectures like containerd's platforms package", () => {
    expect(normalizeArch('x86_64')).toEqual({ architecture: 'amd64', variant: '' });
    expect(normalizeArch('aarch64')).toEqual({ architecture: 'arm64', variant: '' });
    expect(normalizeArch('arm64', 'v8')).toEqual({ architecture: 'arm64', variant: '' });
    expect(normalizeArch('arm')).toEqual({ architecture: 'arm', variant: 'v7' });
    expect(normalizeArch('armhf')).toEqual({ architecture: 'arm', variant: 'v7' });
    expect(normalizeArch('armel')).toEqual({ architecture: 'arm', variant: 'v6' });
    expect(normalizeArch('arm', '6')).toEqual({ architecture: 'arm', variant: 'v6' });
    expect(normalizeArch('i386')).toEqual({ architecture: '386', variant: '' });
    expect(formatPlatform(enginePlatform('arm'))).toBe('linux/arm/v7');
    expect(formatPlatform(enginePlatform('amd64'))).toBe('linux/amd64');
  });

  it('has the eight documented values', () => {
    expect(Object.fromEntries(platformArgs(enginePlatform('arm')))).toEqual({
      BUILDPLATFORM: 'linux/arm/v7', BUILDOS: 'linux', BUILDARCH: 'arm', BUILDVARIANT: 'v7',
      TARGETPLATFORM: 'linux/arm/v7', TARGETOS: 'linux', TARGETARCH: 'arm', TARGETVARIANT: 'v7',
    });
  });

  it('expands them in FROM lines, a --build-arg overriding', () => {
    const { dockerfile } = loadDockerfile('FROM base-${TARGETARCH}:${TARGETOS}\n');
    const graph = (buildArgs = {}) => buildGraph(dockerfile, { platform: enginePlatform('arm64'), buildArgs });
    expect(graph().stages[0]!.base).toEqual({ kind: 'image', ref: 'base-arm64:linux' });
    expect(graph({ TARGETARCH: 'riscv64' }).stages[0]!.base).toEqual({ kind: 'image', ref: 'base-riscv64:linux' });
  });

  it('are never reported as unused build args', () => {
    expect(BuildArgs.unused(new Map([['TARGETARCH', 'x'], ['OTHER', 'y']]), new Set(), new Set())).toEqual(['OTHER']);
  });
});

describe('build secrets on the command line (buildx syntax)', () => {
  it('reads id with src or env, and the id alone as a variable if set, else a file', () => {
    expect(parseSecretFlag('id=tok,src=/run/tok')).toEqual({ id: 'tok', src: '/run/tok' });
    expect(parseSecretFlag('id=tok,env=GH_TOKEN')).toEqual({ id: 'tok', env: 'GH_TOKEN' });
    expect(parseSecretFlag('type=env,id=tok,src=GH_TOKEN')).toEqual({ id: 'tok', env: 'GH_TOKEN' });
    expect(parseSecretFlag('id=HOME', { HOME: '/root' })).toEqual({ id: 'HOME', env: 'HOME' });
    expect(parseSecretFlag('id=./file', {})).toEqual({ id: './file', src: './file' });
    expect(parseSecretFlag('src=/a/b')).toEqual({ id: '/a/b', src: '/a/b' });
    expect(() => parseSecretFlag('id=x,colour=red')).toThrow("unexpected key 'colour'");
    expect(() => parseSecretFlag('type=socket,id=x')).toThrow('unsupported secret type "socket"');
  });
});

describe('the syntax directive', () => {
  it('is noted once, naming the frontend Slipway uses instead', () => {
    const { ast } = loadDockerfile('# syntax=docker/dockerfile:1.7\nFROM scratch\n');
    expect(syntaxNotice(ast.directives)).toMatch(/^# syntax=docker\/dockerfile:1\.7: Slipway builds this Dockerfile with its own frontend/);
    expect(syntaxNotice(loadDockerfile('FROM scratch\n').ast.directives)).toBeUndefined();
  });
});
