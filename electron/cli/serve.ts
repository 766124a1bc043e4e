import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../core/app-core';
import { startWebServer } from '../web/server';
import { parseCliArgs } from './args';
import { CliError } from './errors';

// Two levels up from here is the project, both from the sources (electron/cli/serve.ts) and
// from the CLI bundle (out/cli/slipway.mjs).
const projectDir = fileURLToPath(new URL('../../', import.meta.url));

/** `slipway serve [--port N]`: the app in a browser, on loopback, until SIGINT or SIGTERM. */
export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, { port: { type: 'string' } });
  if (positionals.length > 0) throw new CliError('"serve" takes no arguments');
  const port = parsePort(values.port);
  const rendererDir = ensureRendererBuilt();

  const core = createCore();
  const server = await startWebServer(core, { port, rendererDir }).catch(async (err: unknown) => {
    await core.shutdown();
    throw new CliError(`cannot start the web server: ${(err as Error).message}`);
  });
  process.stdout.write(`Slipway is running at ${server.url}\n`);

  const signal = await untilSignal('SIGINT', 'SIGTERM');
  process.stderr.write(`\n${signal}: shutting down\n`);
  await Promise.all([server.close(), core.shutdown()]);
  return 0;
}

export function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new CliError(`invalid --port "${value}" (0-65535; 0 picks a free port)`);
  return port;
}

/** out/renderer, built once by `electron-vite build` when it is missing. */
function ensureRendererBuilt(): string {
  const rendererDir = join(projectDir, 'out', 'renderer');
  const built = () => existsSync(join(rendererDir, 'index.html'));
  if (built()) return rendererDir;
  process.stderr.write('No built renderer (out/renderer): running `npx electron-vite build` once…\n');
  // Build output goes to stderr: stdout is kept for the line with the URL.
  spawnSync('npx', ['electron-vite', 'build'], { cwd: projectDir, stdio: ['ignore', process.stderr, process.stderr] });
  if (!built()) throw new CliError(`no built renderer at ${rendererDir}; run \`npx electron-vite build\` in ${projectDir} and try again`);
  return rendererDir;
}

function untilSignal(...signals: NodeJS.Signals[]): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      for (const s of signals) process.off(s, on);
      resolve(signal);
    };
    for (const s of signals) process.on(s, on);
  });
}
