/**
 * The fidelity bar: every Dockerfile under test/fixtures/reference/ is built by the engine's
 * classic builder and by Slipway, and the two images must not be told apart (config and every
 * file's type, mode, owner, size, content, link and mtime), or both builds must fail.
 *
 * A case is a folder: Dockerfile, context files, optional `setup.sh` (run in a scratch copy,
 * for modes, empty directories, links git cannot hold) and optional `case.json`
 * ({ "args": ["--build-arg", "A=1", "--target", "x"], "fails": true }).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { classicBuild, docker, leftovers, slipwayBuild } from './helpers/engine';
import { snapshotImage } from './helpers/image-snapshot';

const CASES = join(import.meta.dirname, '../fixtures/reference');
const cases = readdirSync(CASES).filter((name) => existsSync(join(CASES, name, 'Dockerfile'))).sort();
const made: string[] = [];

interface CaseOptions {
  args?: string[];
  fails?: boolean;
}

/** `docker build` flags -> Slipway's build request. */
function requestFrom(args: string[]) {
  const buildArgs: Record<string, string> = {};
  const labels: Record<string, string> = {};
  let target: string | undefined;
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i]!, args[i + 1]!];
    const [k, ...v] = value.split('=');
    if (flag === '--build-arg') buildArgs[k!] = v.join('=');
    else if (flag === '--label') labels[k!] = v.join('=');
    else if (flag === '--target') target = value;
  }
  return { buildArgs, labels, ...(target !== undefined ? { target } : {}) };
}

describe('reference comparison with the classic builder', () => {
  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('%s', async (name) => {
    const context = mkdtempSync(join(tmpdir(), `ref-${name}-`));
    onTestFinished(() => rmSync(context, { recursive: true, force: true }));
    cpSync(join(CASES, name), context, { recursive: true });
    if (existsSync(join(context, 'setup.sh'))) execFileSync('sh', ['setup.sh'], { cwd: context });
    const options: CaseOptions = existsSync(join(context, 'case.json')) ? JSON.parse(readFileSync(join(context, 'case.json'), 'utf8')) : {};

    const start = Date.now();
    const classic = await classicBuild(context, ['--no-cache', ...(options.args ?? [])]);
    const ours = await slipwayBuild({ context, ...requestFrom(options.args ?? []) });
    if (classic.id) made.push(classic.id);
    if (ours.imageId) made.push(ours.imageId);

    if (options.fails) {
      expect(classic.error, 'the classic builder should reject this case').toBeDefined();
      expect(ours.status, 'Slipway should reject it too').toBe('failed');
      expect(ours.error?.message).toBeTruthy();
      return;
    }
    expect(classic.error).toBeUndefined();
    expect(ours.error?.message).toBeUndefined();
    expect(ours.status).toBe('succeeded');
    const [reference, candidate] = await Promise.all([snapshotImage(classic.id!, start), snapshotImage(ours.imageId!, start)]);
    expect(candidate.config).toEqual(reference.config);
    expect(candidate.files).toEqual(reference.files);
  });

  afterAll(async () => {
    expect(await leftovers()).toEqual([]);
    for (const id of made.reverse()) await docker.getImage(id).remove({ force: true }).catch(() => {});
  });
});
