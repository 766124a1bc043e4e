/**
 * `slipway build --check CONTEXT`: runs the build checks only and prints them as
 * `docker buildx build --check` does (rule, URL, message, the Dockerfile lines marked). Exit
 * status 1 when there is a warning or an error, 0 otherwise. Nothing is built or pulled: base
 * images the engine already has tell the checks their Env; without an engine they are unknown.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { checkWithBaseImages, factsFromImageConfig, formatCheckOutput } from '../builder/checks';
import { formatSourceExcerpt } from '../builder/checks/format';
import { DockerfileError } from '../builder/errors';
import { outline } from '../builder/frontend';
import { connectEngine } from '../docker/engine';

export interface CheckRequest {
  /** The context as the user typed it, and the Dockerfile's path (resolved). */
  contextArg: string;
  dockerfile: string;
  /** `-f` as the user typed it, if given: the name the report shows. */
  file?: string;
  buildArgs: Record<string, string>;
  target?: string;
}

export async function checkCommand(req: CheckRequest, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const source = await readFile(req.dockerfile, 'utf8');
  const filename = req.file ?? join(req.contextArg, basename(req.dockerfile));
  const fail = (error: DockerfileError, afterWarnings: boolean) => {
    if (afterWarnings) out.write('\n');
    err.write(`ERROR: ${error.message}\n${error.range ? formatSourceExcerpt(source, filename, error.range) : ''}`);
    return 1;
  };

  // The build's own view of the file: an error here is reported after the warnings.
  let loadError: DockerfileError | undefined;
  let stages: Set<number> | undefined;
  try {
    const { graph } = outline(source, { buildArgs: req.buildArgs, ...(req.target ? { target: req.target } : {}) });
    // With a target, only the stages it needs are checked; without one, all of them.
    if (req.target) stages = new Set(graph.stages.map((s) => s.index));
  } catch (error) {
    if (!(error instanceof DockerfileError)) throw error;
    loadError = error;
  }

  let report;
  try {
    const docker = connectEngine();
    report = await checkWithBaseImages(
      source,
      { buildArgs: req.buildArgs, ...(req.target ? { target: req.target } : {}), ...(stages ? { stages } : {}) },
      async (ref) => factsFromImageConfig((await docker.getImage(ref).inspect()).Config),
    );
  } catch (error) {
    if (error instanceof DockerfileError) return fail(error, false);
    throw error;
  }
  if (report.invalidOptions) return fail(report.invalidOptions, false);

  const { warnings } = report;
  const failure = loadError ?? (report.violation ? new DockerfileError(report.violation) : undefined);
  if (warnings.length > 0 || !failure) out.write(formatCheckOutput(warnings, source, filename));
  if (failure) return fail(failure, warnings.length > 0);
  return warnings.length > 0 ? 1 : 0;
}
