/** The `slipway` command line: subcommands under plain Node. */
import { buildCommand } from './build';
import { outlineCommand } from './outline';
import { serveCommand } from './serve';
import { CliError } from './errors';

const USAGE = `Usage: slipway <command> [options]

Commands:
  build [-f FILE] [-t TAG]... [--build-arg K[=V]]... [--target T] [--no-cache] [--iidfile F]
        [--label K=V]... [-q] [--progress auto|plain|json] [--rm] [--force-rm] [--check]
        [--secret id=ID[,src=FILE|,env=VAR]]... CONTEXT
      Build an image from a Dockerfile, as \`docker build\` does (classic builder semantics).
      --check runs only the build checks (BuildKit's rules) and exits 1 if any warns.
  outline [-f FILE] [--target T] [--build-arg K=V]... [CONTEXT]
      Print the Dockerfile's stages, build args, targets and step graph as JSON.
  serve [--port N]
      Run the app in a browser: serve it on 127.0.0.1 (a free port unless N) and print its
      URL, which carries a token made for this launch. Runs until Ctrl-C.
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'build':
        return await buildCommand(rest);
      case 'outline':
        return await outlineCommand(rest);
      case 'serve':
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

function formatError(err: unknown): string {
  if (err instanceof CliError) return `slipway: ${err.message}`;
  if (err instanceof Error) return `slipway: ${err.name === 'DockerfileError' ? err.toString() : err.message}`;
  return `slipway: ${String(err)}`;
}
