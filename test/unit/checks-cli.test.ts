// `slipway build --check`, run as users run it (bin/slipway.mjs from the sources), and the
// build's end-of-build warning summary. No engine: DOCKER_HOST points nowhere, so nothing is
// built and base images are unknown (the checks then keep UndefinedVar quiet for them).
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSourceExcerpt } from '../../electron/builder/checks/format';
import { plainProgress } from '../../electron/cli/progress';
import type { BuildEvent } from '../../shared/events';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
let dir: string;

async function slipway(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, SLIPWAY_FROM_SOURCE: '1', DOCKER_HOST: 'unix:///nonexistent/docker.sock', SLIPWAY_HOME: join(dir, 'home') };
  try {
    const { stdout, stderr } = await run('node', ['bin/slipway.mjs', ...args], { cwd: ROOT, env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function context(name: string, dockerfile: string, file = 'Dockerfile'): Promise<string> {
  const path = join(dir, name);
  await mkdir(path, { recursive: true });
  await writeFile(join(path, file), dockerfile);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-checks-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('slipway build --check', () => {
  it('prints each warning with its rule, URL, message and marked lines, and exits 1', async () => {
    const ctx = await context('warn', 'FROM local/busybox:latest as base\nCMD echo hi\n');
    const { code, stdout } = await slipway('build', '--check', ctx);
    expect(code).toBe(1);
    expect(stdout).toBe(
      [
        'Check complete, 2 warnings have been found!',
        '',
        'WARNING: FromAsCasing - https://docs.docker.com/go/dockerfile/rule/from-as-casing/',
        "'as' and 'FROM' keywords' casing do not match",
        `${ctx}/Dockerfile:1`,
        '--------------------',
        '   1 | >>> FROM local/busybox:latest as base',
        '   2 |     CMD echo hi',
        '   3 |     ',
        '--------------------',
        '',
        'WARNING: JSONArgsRecommended - https://docs.docker.com/go/dockerfile/rule/json-args-recommended/',
        'JSON arguments recommended for CMD to prevent unintended behavior related to OS signals',
        `${ctx}/Dockerfile:2`,
        '--------------------',
        '   1 |     FROM local/busybox:latest as base',
        '   2 | >>> CMD echo hi',
        '   3 |     ',
        '--------------------',
        '',
      ].join('\n'),
    );
  }, 60_000);

  it('says so and exits 0 when nothing warns; the directive and the build arg can silence rules', async () => {
    const clean = await context('clean', 'FROM scratch\nCOPY . /\nCMD ["/app"]\n');
    expect(await slipway('build', '--check', clean)).toMatchObject({ code: 0, stdout: 'Check complete, no warnings found.\n' });
    const skipped = await context('skipped', '# check=skip=JSONArgsRecommended\nFROM scratch\nCMD run\n');
    expect(await slipway('build', '--check', skipped)).toMatchObject({ code: 0, stdout: 'Check complete, no warnings found.\n' });
    const warn = await context('by-arg', 'FROM scratch\nCMD run\n');
    expect(await slipway('build', '--check', '--build-arg', 'BUILDKIT_DOCKERFILE_CHECK=skip=all', warn)).toMatchObject({ code: 0 });
  }, 60_000);

  it('names the Dockerfile as given with -f, and checks only the stages --target needs', async () => {
    const ctx = await context('target', 'FROM scratch AS a\nCMD ["a"]\n\nFROM scratch AS b\nMAINTAINER me\n', 'build.Dockerfile');
    const all = await slipway('build', '--check', '-f', join(ctx, 'build.Dockerfile'), ctx);
    expect(all.code).toBe(1);
    expect(all.stdout).toContain(`WARNING: MaintainerDeprecated - https://docs.docker.com/go/dockerfile/rule/maintainer-deprecated/\nMaintainer instruction is deprecated in favor of using label\n${ctx}/build.Dockerfile:5\n`);
    const env = await context('target-env', 'FROM scratch AS a\nENV k v\n\nFROM scratch AS b\nCMD ["b"]\n');
    expect((await slipway('build', '--check', env)).stdout).toContain('LegacyKeyValueFormat');
    expect(await slipway('build', '--check', '--target', 'b', env)).toMatchObject({ code: 0, stdout: 'Check complete, no warnings found.\n' });
  }, 60_000);

  it('with error=true, prints the warnings, then the failure on stderr', async () => {
    const ctx = await context('error', '# check=error=true\nFROM scratch\nMAINTAINER me\n');
    const { code, stdout, stderr } = await slipway('build', '--check', ctx);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^Check complete, 1 warning has been found!\n\nWARNING: MaintainerDeprecated/);
    expect(stdout.endsWith('--------------------\n\n')).toBe(true);
    expect(stderr).toBe('ERROR: lint violation found for rules: MaintainerDeprecated\n');
  }, 60_000);

  it('reports a Dockerfile that does not parse, at its line, after the warnings before it', async () => {
    const ctx = await context('broken', 'FROM scratch\nMAINTAINER me\nBADCMD\n');
    const { code, stdout, stderr } = await slipway('build', '--check', ctx);
    expect(code).toBe(1);
    expect(stdout).toContain('WARNING: MaintainerDeprecated');
    expect(stderr).toContain('ERROR: unknown instruction: BADCMD');
    expect(stderr).toContain(' >>> BADCMD');
  }, 60_000);
});

describe('warning text', () => {
  it('marks every line of a range with two lines of context', () => {
    const text = 'a\nb\nc\nd\ne\nf\ng\n';
    expect(formatSourceExcerpt(text, 'Dockerfile', { start: 3, end: 4 })).toBe(
      ['Dockerfile:3', '--------------------', '   2 |     b', '   3 | >>> c', '   4 | >>> d', '   5 |     e', '--------------------', ''].join('\n'),
    );
  });

  it('a build prints its check warnings at its end, one line each', () => {
    let out = '';
    let err = '';
    const sink = (write: (s: string) => void) => ({ write: (s: string) => (write(s), true) }) as unknown as NodeJS.WritableStream;
    const print = plainProgress(sink((s) => (out += s)), sink((s) => (err += s)));
    const base = { buildId: 'b1', time: 0 };
    const events: BuildEvent[] = [
      { ...base, type: 'build-message', level: 'warning', text: 'FromAsCasing: x (line 1)', check: { rule: 'FromAsCasing', message: "'as' and 'FROM' keywords' casing do not match", url: 'u', range: { start: 1, end: 1 } } },
      { ...base, type: 'build-message', level: 'warning', text: 'plain warning' },
      { ...base, type: 'build-message', level: 'warning', text: 'J', check: { rule: 'JSONArgsRecommended', message: 'JSON arguments recommended for CMD to prevent unintended behavior related to OS signals', url: 'u', range: { start: 3, end: 3 } } },
    ];
    for (const event of events) print(event);
    expect(err).toBe('plain warning\n');
    print({ ...base, type: 'build-finished', status: 'succeeded', imageId: 'sha256:0123456789abcdef', durationMs: 1 });
    expect(out).toBe('Successfully built 0123456789ab\n');
    expect(err).toBe(
      'plain warning\n\n 2 warnings found:\n' +
        " - FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)\n" +
        ' - JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals (line 3)\n',
    );
  });
});
