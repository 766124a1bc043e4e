/** The `slipway` command line: subcommands under plain Node. */
import { buildCommand } from './build';
import { outlineCommand } from './outline';
import { serveCommand } from './serve';
import { CliError } from './errors';
import type { EndpointChoice } from '../docker/endpoints';

const USAGE = `Usage: slipway [-H HOST | --context NAME] <command> [options]

The engine: -H/--host (unix:///path, tcp://host:port, ssh://user@host), else --context (a docker
context), else DOCKER_HOST (with DOCKER_TLS_VERIFY, DOCKER_CERT_PATH), DOCKER_CONTEXT or the docker
CLI's current context; the same flags are accepted after \`build\`.

Commands:
  build [-f FILE] [-t TAG]... [--build-arg K[=V]]... [--target T] [--no-cache] [--iidfile F]
        [--label K=V]... [-q] [--progress auto|plain|json] [--rm] [--force-rm] [--check]
        [--secret id=ID[,src=FILE|,env=VAR]]... [-H HOST | --context NAME] CONTEXT
      Build an image from a Dockerfile, as \`docker build\` does (classic builder semantics).
      --check runs only the build checks (BuildKit's rules) and exits 1 if any warns.
  outline [-f FILE] [--target T] [--build-arg K=V]... [CONTEXT]
      Print the Dockerfile's stages, build args, targets and step graph as JSON.
  serve [--port N]
      Run the app in a browser: serve it on 127.0.0.1 (a free port unless N) and print its
      URL, which carries a token made for this launch. Runs until Ctrl-C.
`;

export async function main(argv: string[]): Promise<number> {
  try {
    const { engine, rest: args } = globalOptions(argv);
    const [command, ...rest] = args;
    switch (command) {
      case 'build':
        return await buildCommand(rest, engine);
      case 'outline':
        return await outlineCommand(rest);
      case 'serve':
        useEngineForProcess(engine);
        return await serveCommand(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(USAGE);
        return command === undefined ? 1 : 0;
      default:
        throw new CliError(`unknown command "${command}"\n\n${USAGE}`);
    }
  } catch (err) {
    process.stderr.write(`${formatError(err)}\n`);
    return 1;
  }
}

/** docker's global engine flags before the command: `-H HOST`, `--host=HOST`, `--context NAME`, `-c NAME`. */
function globalOptions(argv: string[]): { engine: EndpointChoice; rest: string[] } {
  const engine: EndpointChoice = {};
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const key = flag === '-H' || flag === '--host' ? 'host' : flag === '-c' || flag === '--context' ? 'context' : undefined;
    if (!key) break;
    const value = inline ?? argv[++i];
    if (value === undefined) throw new CliError(`flag needs an argument: ${flag}`);
    engine[key] = value;
  }
  return { engine, rest: argv.slice(i) };
}

/** The app's current engine is the process's: the flags become what the environment would say. */
function useEngineForProcess(engine: EndpointChoice): void {
  if (engine.host && engine.context) throw new CliError('conflicting options: either specify --host or --context, not both');
  if (engine.host) process.env.DOCKER_HOST = engine.host;
  if (engine.context) {
    delete process.env.DOCKER_HOST;
    process.env.DOCKER_CONTEXT = engine.context;
  }
}

function formatError(err: unknown): string {
  if (err instanceof CliError) return `slipway: ${err.message}`;
  if (err instanceof Error) return `slipway: ${err.name === 'DockerfileError' ? err.toString() : err.message}`;
  return `slipway: ${String(err)}`;
}
