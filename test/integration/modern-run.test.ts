/**
 * RUN's BuildKit-era syntax against the real engine: cache, secret, bind and tmpfs mounts,
 * --network, heredocs, the automatic platform ARGs and the `# syntax=` directive.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheVolumeName } from '../../electron/builder/run/cache-volumes';
import type { BuildRequest } from '../../electron/builder/session';
import type { BuildEvent } from '../../shared/events';
import { docker, leftovers, slipwayBuild } from './helpers/engine';

const run = promisify(execFile);
const BASE = 'local/busybox:latest';
/** Cache ids of this run, so parallel or earlier runs never share a cache with it. */
const RUN_ID = randomBytes(4).toString('hex');
const cacheId = (name: string) => `slipway-test-${RUN_ID}-${name}`;
const madeImages = new Set<string>();
const cacheIds = new Set<string>();

function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-modern-run-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function build(files: Record<string, string>, request: Partial<BuildRequest> = {}, home?: string) {
  const ctx = context(files);
  const result = await slipwayBuild({ context: ctx, ...request }, home);
  if (result.imageId) madeImages.add(result.imageId);
  for (const e of result.events) if (e.type === 'step-done' && e.imageId) madeImages.add(e.imageId);
  return { ...result, context: ctx };
}

async function succeeded(files: Record<string, string>, request: Partial<BuildRequest> = {}, home?: string) {
  const result = await build(files, request, home);
  const failures = result.events.flatMap((e) => (e.type === 'step-failed' ? [`${e.stepId}: ${e.error.message}`] : []));
  expect(result.error?.message, failures.join('\n')).toBeUndefined();
  expect(result.status).toBe('succeeded');
  return result;
}

/** A shell command's output in a throwaway container of `image`. */
async function inImage(image: string, command: string, volume?: string): Promise<string> {
  const { stdout } = await run('/usr/bin/docker', ['run', '--rm', ...(volume ? ['-v', volume] : []), image, 'sh', '-c', command]);
  return stdout;
}

const logs = (events: BuildEvent[]) => events.flatMap((e) => (e.type === 'step-log' ? [e.text] : [])).join('');
const stepImage = (events: BuildEvent[], stepId: string) => {
  const done = events.find((e): e is Extract<BuildEvent, { type: 'step-done' }> => e.type === 'step-done' && e.stepId === stepId);
  if (!done) throw new Error(`no step-done for ${stepId}`);
  return done.imageId;
};
const layersOf = async (image: string) => (await docker.getImage(image).inspect()).RootFS.Layers ?? [];
const cacheHits = (events: BuildEvent[]) => events.flatMap((e) => (e.type === 'step-cache' ? [`${e.stepId}:${e.decision.hit ? 'hit' : 'miss'}`] : []));

async function scratchVolumes(): Promise<string[]> {
  const { Volumes } = await docker.listVolumes({ filters: { label: ['dev.slipway.scratch'] } });
  return (Volumes ?? []).map((v) => v.Name);
}

async function containsBytes(stream: Readable, needle: Buffer): Promise<boolean> {
  let tail = Buffer.alloc(0);
  let found = false;
  for await (const chunk of stream) {
    const joined = Buffer.concat([tail, chunk as Buffer]);
    if (joined.includes(needle)) found = true;
    tail = joined.subarray(Math.max(0, joined.length - needle.length));
  }
  return found;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

afterAll(async () => {
  expect(await leftovers()).toEqual([]);
  expect(await scratchVolumes()).toEqual([]);
  for (const id of [...madeImages].reverse()) await docker.getImage(id).remove({ force: true }).catch(() => {});
  // Cache volumes outlive builds on purpose; the ones this file made go.
  const { Volumes } = await docker.listVolumes({ filters: { label: ['dev.slipway.cache'] } });
  for (const v of Volumes ?? []) if (cacheIds.has(v.Labels?.['dev.slipway.cache'] ?? '')) await docker.getVolume(v.Name).remove().catch(() => {});
});

describe('RUN --mount=type=cache', () => {
  it('keeps files between builds, also under --no-cache, and never puts them in the image', async () => {
    const id = cacheId('keep');
    cacheIds.add(id);
    const dockerfile = (marker: string) =>
      `FROM ${BASE}\nRUN --mount=type=cache,id=${id},target=/root/.cache/app sh -c 'echo ${marker} >> /root/.cache/app/runs; wc -l < /root/.cache/app/runs > /count'\n`;
    const home = await mkdtemp(join(tmpdir(), 'slipway-home-'));
    const first = await succeeded({ Dockerfile: dockerfile('one') }, {}, home);
    expect((await inImage(first.imageId!, 'cat /count')).trim()).toBe('1');
    const second = await succeeded({ Dockerfile: dockerfile('two') }, {}, home);
    expect((await inImage(second.imageId!, 'cat /count')).trim()).toBe('2');
    // --no-cache misses every step, as BuildKit, but the cache mount is the same one.
    const third = await succeeded({ Dockerfile: dockerfile('two') }, { noCache: true }, home);
    expect(cacheHits(third.events).every((h) => h.endsWith(':miss'))).toBe(true);
    expect((await inImage(third.imageId!, 'cat /count')).trim()).toBe('3');
    // The mount point and its parents that the image lacked are not in the layer either.
    expect(await inImage(third.imageId!, 'ls -A /root')).toBe('');
    const volume = await docker.getVolume(cacheVolumeName(id)).inspect();
    expect(volume.Labels['dev.slipway.cache']).toBe(id);
    expect(await inImage(BASE, 'cat /c/runs', `${volume.Name}:/c`)).toBe('one\ntwo\ntwo\n');
  });

  it('hits the step cache on a rebuild, and misses when a mount option changes', async () => {
    const id = cacheId('key');
    cacheIds.add(id);
    const home = await mkdtemp(join(tmpdir(), 'slipway-home-'));
    const files = (target: string) => ({ Dockerfile: `FROM ${BASE}\nRUN --mount=type=cache,id=${id},target=${target} true\n` });
    await succeeded(files('/c'), {}, home);
    expect(cacheHits((await succeeded(files('/c'), {}, home)).events)).toEqual(['stage-0:2:hit']);
    expect(cacheHits((await succeeded(files('/d'), {}, home)).events)).toEqual(['stage-0:2:miss']);
  });

  it("makes a new cache directory with the mount's uid, gid and mode", async () => {
    const id = cacheId('owner');
    cacheIds.add(id);
    const result = await succeeded({ Dockerfile: `FROM ${BASE}\nRUN --mount=type=cache,id=${id},target=/c,uid=1234,gid=5678,mode=0750 stat -c '%u %g %a' /c > /stat\n` });
    expect((await inImage(result.imageId!, 'cat /stat')).trim()).toBe('1234 5678 750');
  });

  const parallelStages = (id: string, sharing: string, sleep: number) => `
FROM ${BASE} AS a
RUN --mount=type=cache,id=${id},target=/c,sharing=${sharing} sh -c 'echo start-a >> /c/log; sleep ${sleep}; echo end-a >> /c/log'
FROM ${BASE} AS b
RUN --mount=type=cache,id=${id},target=/c,sharing=${sharing} sh -c 'echo start-b >> /c/log; sleep ${sleep}; echo end-b >> /c/log'
FROM ${BASE}
COPY --from=a /etc/passwd /a
COPY --from=b /etc/passwd /b
`;

  it('takes turns with sharing=locked (two stages running in parallel)', async () => {
    const id = cacheId('locked');
    cacheIds.add(id);
    await succeeded({ Dockerfile: parallelStages(id, 'locked', 1) });
    const log = (await inImage(BASE, 'cat /c/log', `${cacheVolumeName(id)}:/c`)).trim().split('\n');
    expect(log).toHaveLength(4);
    const [first, second] = [log[0]!.slice(-1), log[2]!.slice(-1)];
    expect(log).toEqual([`start-${first}`, `end-${first}`, `start-${second}`, `end-${second}`]);
  });

  it('overlaps with sharing=shared (what locked prevents)', async () => {
    const id = cacheId('shared');
    cacheIds.add(id);
    await succeeded({ Dockerfile: parallelStages(id, 'shared', 2) });
    const log = (await inImage(BASE, 'cat /c/log', `${cacheVolumeName(id)}:/c`)).trim().split('\n');
    expect(log.slice(0, 2).every((l) => l.startsWith('start-'))).toBe(true);
  });

  it('gives parallel sharing=private users their own instance of the cache', async () => {
    const id = cacheId('private');
    cacheIds.add(id);
    await succeeded({ Dockerfile: parallelStages(id, 'private', 1) });
    const { Volumes } = await docker.listVolumes({ filters: { label: [`dev.slipway.cache=${id}`] } });
    expect(Volumes?.length).toBe(2);
  });
});

describe('RUN --mount=type=secret', () => {
  it('reads the secret in RUN, as a file and as a variable, and leaves it nowhere else', async () => {
    const secret = `s3cret-${randomBytes(8).toString('hex')}`;
    const secretFile = join(mkdtempSync(join(tmpdir(), 'slipway-secret-')), 'token');
    writeFileSync(secretFile, secret);
    const home = await mkdtemp(join(tmpdir(), 'slipway-home-'));
    const result = await succeeded(
      {
        Dockerfile: [
          `FROM ${BASE}`,
          'RUN --mount=type=secret,id=tok sha256sum /run/secrets/tok > /proof-file && stat -c "%a %u" /run/secrets/tok >> /proof-file',
          'RUN --mount=type=secret,id=tok,env=TOKEN,target=/etc/tok.txt sh -c \'printf %s "$TOKEN" | sha256sum > /proof-env; cat /etc/tok.txt | sha256sum >> /proof-env\'',
          'RUN --mount=type=secret,id=absent ls /run/secrets > /absent 2>&1 || echo none > /absent',
          '',
        ].join('\n'),
      },
      { secrets: [{ id: 'tok', src: secretFile }] },
      home,
    );
    const { stdout: digest } = await run('sha256sum', [secretFile]);
    const hash = digest.split(' ')[0]!;
    const image = result.imageId!;
    expect(await inImage(image, 'cat /proof-file')).toBe(`${hash}  /run/secrets/tok\n400 0\n`);
    expect(await inImage(image, 'cat /proof-env')).toBe(`${hash}  -\n${hash}  -\n`);
    // An optional secret the build was not given is not mounted.
    expect((await inImage(image, 'cat /absent')).trim()).toBe('none');

    const needle = Buffer.from(secret);
    expect(await inImage(image, 'ls -A /run /etc/tok.txt 2>&1 || true')).toMatch(/No such file/);
    expect(await containsBytes((await docker.getImage(image).get()) as Readable, needle)).toBe(false);
    const { stdout: history } = await run('/usr/bin/docker', ['history', '--no-trunc', image]);
    expect(history).not.toContain(secret);
    expect(history).toContain('/bin/sh -c sha256sum /run/secrets/tok');
    expect(JSON.stringify(await docker.getImage(image).inspect())).not.toContain(secret);
    expect(JSON.stringify(result.events)).not.toContain(secret);
    // The cache entries on disk (probes with the mounts) and the stored image configs.
    const stored = filesUnder(home).map((f) => readFileSync(f));
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.some((b) => b.includes(needle))).toBe(false);
    expect(stored.some((b) => b.includes('secret id=tok target=/run/secrets/tok'))).toBe(true);
  });

  it('fails a required secret the build was not given, naming it', async () => {
    const result = await build({ Dockerfile: `FROM ${BASE}\nRUN --mount=type=secret,id=needed,required true\n` });
    expect(result.status).toBe('failed');
    expect(result.error?.message).toMatch(/secret needed: not found/);
    expect(result.error?.location).toEqual({ start: 2, end: 2 });
  });
});

describe('RUN --mount=type=bind', () => {
  const files = {
    'src/a.txt': 'from the context\n',
    'src/sub/b.txt': 'nested\n',
    'src/private.key': 'ignored\n',
    '.dockerignore': 'src/private.key\n',
  };

  it('reads the context (after .dockerignore) without writing to the layer; rw changes are thrown away', async () => {
    const result = await succeeded({
      ...files,
      Dockerfile: [
        `FROM ${BASE}`,
        'WORKDIR /work',
        'RUN --mount=type=bind,source=src,target=ctx cat ctx/a.txt ctx/sub/b.txt && ls ctx',
        'RUN --mount=type=bind,source=src/a.txt,target=/etc/a.txt,rw sh -c \'echo changed > /etc/a.txt && cat /etc/a.txt > /saw\'',
        '',
      ].join('\n'),
    });
    expect(logs(result.events)).toContain('from the context\nnested\na.txt\nsub\n');
    expect(logs(result.events)).not.toContain('private.key');
    // The read-only bind's step adds no layer: its mount point is gone too.
    expect(await layersOf(stepImage(result.events, 'stage-0:3'))).toEqual(await layersOf(stepImage(result.events, 'stage-0:2')));
    expect(await inImage(result.imageId!, 'ls -A /work; cat /saw; ls /etc/a.txt 2>&1 || true')).toBe('changed\nls: /etc/a.txt: No such file or directory\n');
    expect(readFileSync(join(result.context, 'src/a.txt'), 'utf8')).toBe('from the context\n');
  });

  it('keys the step by the content it mounts', async () => {
    const home = await mkdtemp(join(tmpdir(), 'slipway-home-'));
    const ctx = context({ ...files, Dockerfile: `FROM ${BASE}\nRUN --mount=type=bind,source=src,target=/s cat /s/a.txt\n` });
    const again = async () => {
      const r = await slipwayBuild({ context: ctx }, home);
      if (r.imageId) madeImages.add(r.imageId);
      return cacheHits(r.events);
    };
    expect(await again()).toEqual(['stage-0:2:miss']);
    expect(await again()).toEqual(['stage-0:2:hit']);
    writeFileSync(join(ctx, 'src/private.key'), 'changed, but ignored\n');
    expect(await again()).toEqual(['stage-0:2:hit']);
    writeFileSync(join(ctx, 'src/sub/b.txt'), 'changed\n');
    expect(await again()).toEqual(['stage-0:2:miss']);
  });

  it('reads a stage (owners kept) and a file of an image, writing nothing to the layer', async () => {
    const result = await succeeded({
      Dockerfile: [
        `FROM ${BASE} AS builder`,
        'RUN mkdir /out && echo artifact > /out/file && chown 12:34 /out/file',
        `FROM ${BASE}`,
        'RUN --mount=type=bind,from=builder,source=/out,target=/mnt/out --mount=type=bind,from=builder,source=/out/file,target=/opt/one cat /mnt/out/file /opt/one && stat -c %u:%g /mnt/out/file',
        '',
      ].join('\n'),
    });
    expect(logs(result.events)).toContain('artifact\nartifact\n12:34\n');
    expect(await layersOf(result.imageId!)).toEqual(await layersOf(BASE));
    expect(await inImage(result.imageId!, 'ls /mnt /opt 2>&1 || true')).toMatch(/No such file/);
  });
});

describe('RUN --mount=type=tmpfs and --network', () => {
  it('mounts a tmpfs that leaves nothing behind', async () => {
    const result = await succeeded({
      Dockerfile: `FROM ${BASE}\nRUN --mount=type=tmpfs,target=/scratch/space,size=1m sh -c 'echo x > /scratch/space/f && grep " /scratch/space " /proc/mounts'\n`,
    });
    expect(logs(result.events)).toMatch(/tmpfs \/scratch\/space tmpfs .*size=1024k/);
    expect(await layersOf(result.imageId!)).toEqual(await layersOf(BASE));
    expect(await inImage(result.imageId!, 'ls /scratch 2>&1 || true')).toMatch(/No such file/);
  });

  it('runs --network=none without a network, and the default with one', async () => {
    const result = await succeeded({
      Dockerfile: `FROM ${BASE}\nRUN --network=none ls /sys/class/net > /none\nRUN --network=default ls /sys/class/net > /default\nRUN ls /sys/class/net > /plain\n`,
    });
    expect(await inImage(result.imageId!, 'cat /none')).toBe('lo\n');
    const withNetwork = await inImage(result.imageId!, 'cat /default /plain');
    expect(withNetwork).toMatch(/eth0/);
    // The network mode is part of the cache key: none and default are different steps.
    expect(stepImage(result.events, 'stage-0:2')).not.toBe(stepImage(result.events, 'stage-0:3'));
  });

  it('refuses --security=insecure, naming the line', async () => {
    const result = await build({ Dockerfile: `FROM ${BASE}\n\nRUN --security=insecure true\n` });
    expect(result.status).toBe('failed');
    expect(result.error?.message).toMatch(/--security=insecure \(line 3\) is not supported/);
  });

  it('cleans up after a failing RUN with mounts', async () => {
    const secretFile = join(mkdtempSync(join(tmpdir(), 'slipway-secret-')), 'token');
    writeFileSync(secretFile, 'x');
    const result = await build(
      { 'a.txt': 'a', Dockerfile: `FROM ${BASE}\nRUN --mount=type=secret,id=tok --mount=type=bind,target=/ctx --mount=type=tmpfs,target=/t sh -c 'exit 3'\n` },
      { secrets: [{ id: 'tok', src: secretFile }] },
    );
    expect(result.status).toBe('failed');
    expect(result.error?.exitCode).toBe(3);
    expect(await leftovers()).toEqual([]);
    expect(await scratchVolumes()).toEqual([]);
  });
});

describe('RUN heredocs', () => {
  it('runs each form as BuildKit does', async () => {
    const result = await succeeded({
      Dockerfile: [
        `FROM ${BASE}`,
        'RUN <<EOF',
        'echo simple > /h-simple',
        'echo "$HOME" >> /h-simple',
        'EOF',
        "RUN <<'EOF'",
        'echo "quoted, still run by the shell: $HOME" > /h-quoted',
        'EOF',
        'RUN <<-EOF',
        '\techo chomped > /h-chomp',
        '\t\techo "  tabs gone" >> /h-chomp',
        '\tEOF',
        'RUN <<EOF',
        '#!/bin/sh',
        'echo "script $0" > /h-shebang',
        'EOF',
        'RUN <<EOF',
        '#!/bin/awk -f',
        'BEGIN { print "awk ran" > "/h-awk" }',
        'EOF',
        'RUN <<A cat > /m-a && cat <<B > /m-b',
        'first $HOME',
        'A',
        'second',
        'B',
        "RUN <<'EOF' sh",
        "echo '$HOME' \"$HOME\" > /h-sh-quoted",
        'EOF',
        'RUN <<EOF sh',
        "echo '$HOME' \"$HOME\" > /h-sh-expanded",
        'EOF',
        '',
      ].join('\n'),
    });
    const image = result.imageId!;
    expect(await inImage(image, 'cat /h-simple /h-quoted /h-chomp /h-shebang /h-awk /m-a /m-b /h-sh-quoted /h-sh-expanded')).toBe(
      [
        'simple',
        '/root',
        'quoted, still run by the shell: /root',
        'chomped',
        '  tabs gone',
        'script /dev/pipes/EOF',
        'awk ran',
        'first /root',
        'second',
        '$HOME /root',
        '/root /root',
        '',
      ].join('\n'),
    );
    // No trace of the script file, and the history holds the command BuildKit runs.
    expect(await inImage(image, 'ls /dev/pipes 2>&1 || true')).toMatch(/No such file/);
    const { stdout: history } = await run('/usr/bin/docker', ['history', '--no-trunc', '--format', '{{.CreatedBy}}', image]);
    expect(history).toContain('/bin/sh -c /dev/pipes/EOF');
    expect(history).toContain('/bin/sh -c echo simple > /h-simple\necho "$HOME" >> /h-simple\n');
    expect(history).toContain('/bin/sh -c <<A cat > /m-a && cat <<B > /m-b\nfirst $HOME\nA\nsecond\nB');
  });

  it('keys a shebang script by its content', async () => {
    const home = await mkdtemp(join(tmpdir(), 'slipway-home-'));
    const dockerfile = (word: string) => ({ Dockerfile: `FROM ${BASE}\nRUN <<EOF\n#!/bin/sh\necho ${word} > /w\nEOF\n` });
    const first = await succeeded(dockerfile('one'), {}, home);
    const second = await succeeded(dockerfile('two'), {}, home);
    expect(cacheHits(second.events)).toEqual(['stage-0:2:miss']);
    expect(await inImage(first.imageId!, 'cat /w')).toBe('one\n');
    expect(await inImage(second.imageId!, 'cat /w')).toBe('two\n');
  });
});

describe('platform ARGs and the syntax directive', () => {
  it('has the documented values in FROM lines and after ARG, never in the image config or the unused warning', async () => {
    const { Arch, Os } = await docker.version();
    const variant = Arch === 'arm' ? '/v7' : '';
    const platform = `${Os}/${Arch}${variant}`;
    const result = await succeeded(
      {
        Dockerfile: [
          '# syntax=docker/dockerfile:1',
          `FROM ${BASE} AS stage-${Arch}`,
          `RUN echo picked-by-targetarch > /which`,
          `FROM ${BASE} AS stage-other`,
          'FROM stage-${TARGETARCH}',
          'RUN echo "undeclared:[$TARGETARCH$BUILDPLATFORM]" > /undeclared',
          'ARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT',
          'ARG BUILDPLATFORM BUILDOS BUILDARCH BUILDVARIANT',
          'RUN echo "$TARGETPLATFORM|$TARGETOS|$TARGETARCH|$TARGETVARIANT|$BUILDPLATFORM|$BUILDOS|$BUILDARCH|$BUILDVARIANT" > /platform',
          '',
        ].join('\n'),
      },
      { buildArgs: { BUILDOS: Os, UNUSED_ONE: '1' } },
    );
    const image = result.imageId!;
    expect(await inImage(image, 'cat /which /undeclared /platform')).toBe(
      `picked-by-targetarch\nundeclared:[]\n${platform}|${Os}|${Arch}|${variant.slice(1)}|${platform}|${Os}|${Arch}|${variant.slice(1)}\n`,
    );
    const config = (await docker.getImage(image).inspect()).Config;
    expect(config.Env).toEqual(['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
    const messages = result.events.flatMap((e) => (e.type === 'build-message' ? [e.text] : []));
    expect(messages.filter((m) => m.includes('not consumed'))).toEqual(['[Warning] One or more build-args [UNUSED_ONE] were not consumed']);
    expect(messages.filter((m) => m.includes('# syntax=docker/dockerfile:1: Slipway builds this Dockerfile with its own frontend'))).toHaveLength(1);
  });
});
