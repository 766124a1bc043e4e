/**
 * The set-up the fault tests share: an engine of the test file's own, started before its tests and
 * destroyed after them, and temporary directories (contexts, homes) removed at the end.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startSecondEngine, type SecondEngine } from './second-engine';

export interface SecondEngineSuite {
  /** The file's engine; set once its tests start. */
  readonly engine: SecondEngine;
  /** Every home made with newHome: the engine is shared, so each test counts every cache's images as accounted for. */
  readonly homes: string[];
  /** A new temporary directory, removed after the file's tests. */
  temp(prefix: string): Promise<string>;
  /** A new home (`slipway-<name>-home-…`), listed in `homes`. */
  newHome(): Promise<string>;
  /** A new build context (`slipway-<name>-ctx-…`) holding `dockerfile` as its Dockerfile, and `files`. */
  contextWith(dockerfile: string, files?: Record<string, string>): Promise<string>;
}

/**
 * Registers the file's beforeAll/afterAll; `beforeDestroy` runs first at the end (what still uses
 * the engine: a proxy in front of it, processes talking to it).
 */
export function useSecondEngine(name: string, options: { beforeDestroy?: () => unknown } = {}): SecondEngineSuite {
  let engine: SecondEngine | undefined;
  const dirs: string[] = [];
  const homes: string[] = [];

  beforeAll(async () => {
    engine = await startSecondEngine();
  });

  afterAll(async () => {
    await options.beforeDestroy?.();
    await engine?.destroy();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  const temp = async (prefix: string) => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };

  return {
    get engine() {
      if (!engine) throw new Error('the second engine is not started yet (use it inside a test)');
      return engine;
    },
    homes,
    temp,
    newHome: async () => {
      const home = await temp(`slipway-${name}-home-`);
      homes.push(home);
      return home;
    },
    contextWith: async (dockerfile, files = {}) => {
      const dir = await temp(`slipway-${name}-ctx-`);
      await writeFile(join(dir, 'Dockerfile'), dockerfile);
      for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
      return dir;
    },
  };
}
