import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { BuildEvent } from '../../shared/events';
import { BuildSession } from '../builder/session';
import { createBuildEngine } from '../core/build-engine';
import { slipwayHome } from '../core/paths';
import { sweepLeftovers } from '../core/sweep';
import { connectTo } from '../docker/connect';
import type { EndpointChoice } from '../docker/endpoints';
import { keyValueList, parseCliArgs } from './args';
import { dockerfilePath } from './dockerfile-path';
import { CliError } from './errors';
import { checkCommand } from './check';
import { plainProgress } from './progress';
import { secretSources } from './secrets';

/**
 * `slipway build [-f FILE] [-t TAG]... [--build-arg K[=V]]... [--target T] [--no-cache]
 * [--iidfile F] [--label K=V]... [-q] [--progress auto|plain|json] [--rm] [--force-rm] [--check]
 * [--secret id=ID[,src=FILE|,env=VAR]]... [-H HOST | --context NAME] CONTEXT`
 * The engine: `-H`/`--host`, else `--context` (a docker context), else what `docker` would use
 * (DOCKER_HOST, DOCKER_CONTEXT, config.json's current context); docker's global forms
 * (`slipway -H HOST build …`) arrive as `globals`.
 */
export async function buildCommand(argv: string[], globals: EndpointChoice = {}): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, {
    file: { type: 'string', short: 'f' },
    tag: { type: 'string', short: 't', multiple: true },
    'build-arg': { type: 'string', multiple: true },
    label: { type: 'string', multiple: true },
    target: { type: 'string' },
    'no-cache': { type: 'boolean' },
    iidfile: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    progress: { type: 'string' },
    rm: { type: 'string' },
    'force-rm': { type: 'boolean' },
    secret: { type: 'string', multiple: true },
    check: { type: 'boolean' },
    host: { type: 'string', short: 'H' },
    context: { type: 'string' },
  });
  if (positionals.length !== 1) throw new CliError('"build" requires exactly 1 argument: the context directory');
  const progress = values.progress ?? 'auto';
  if (!['auto', 'plain', 'json', 'tty'].includes(progress)) throw new CliError(`invalid --progress value "${progress}" (auto, plain or json)`);
  const context = resolve(positionals[0]!);
  const dockerfile = await dockerfilePath(context, values.file);
  if (values.check) {
    const target = values.target !== undefined ? { target: values.target } : {};
    const buildArgs = keyValueList(values['build-arg'], (k) => process.env[k]);
    return checkCommand({ contextArg: positionals[0]!, dockerfile, ...(values.file !== undefined ? { file: values.file } : {}), buildArgs, ...target });
  }

  const { docker } = connectTo({ host: values.host ?? globals.host, context: values.context ?? globals.context });
  const home = slipwayHome();
  const engine = await createBuildEngine(docker, home);
  await sweepLeftovers(docker, home);
  const session = new BuildSession(engine, {
    context,
    dockerfile,
    tags: values.tag ?? [],
    buildArgs: keyValueList(values['build-arg'], (k) => process.env[k]),
    labels: keyValueList(values.label),
    ...(values.target !== undefined ? { target: values.target } : {}),
    noCache: values['no-cache'] ?? false,
    remove: values.rm === undefined ? true : values.rm !== 'false',
    forceRemove: values['force-rm'] ?? false,
    keepFailed: false,
    concurrency: 4,
    secrets: secretSources(values.secret),
  });

  const print = values.quiet ? () => {} : progress === 'json' ? (e: BuildEvent) => process.stdout.write(`${JSON.stringify(e)}\n`) : plainProgress(process.stdout, process.stderr);
  session.onEvent(print);
  const onSignal = () => session.cancel();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const result = await session.run().finally(() => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });

  if (result.status === 'succeeded') {
    if (values.quiet) process.stdout.write(`${result.imageId}\n`);
    if (values.iidfile) await writeFile(values.iidfile, result.imageId!);
    return 0;
  }
  if (result.status === 'cancelled') {
    process.stderr.write('Build cancelled\n');
    return 130;
  }
  const { error } = result;
  const where = error?.location ? `Dockerfile:${error.location.start}: ` : '';
  process.stderr.write(`${where}${error?.message ?? 'the build failed'}\n`);
  return error?.exitCode ?? 1;
}
