/**
 * The checks as a build runs them: once it has started, for the stages it builds, with the base
 * images the engine already has; each warning becomes a `build-message` event. Returns the
 * error that must stop the build (invalid check options, or `error=true` with warnings).
 */
import type { BuildGraph } from '../../../shared/graph';
import type { ImageBackend } from '../backend';
import { DockerfileError } from '../errors';
import type { Emit } from '../step-context';
import { checkWithBaseImages, factsFromImageConfig } from './index';
import { formatShort } from './format';

export async function runBuildChecks(
  source: string | Uint8Array,
  graph: BuildGraph,
  request: { buildArgs: Readonly<Record<string, string>>; target?: string },
  engine: { backend: { images: Pick<ImageBackend, 'findImage'> }; architecture: string },
  emit: Emit,
): Promise<DockerfileError | undefined> {
  const report = await checkWithBaseImages(
    source,
    {
      buildArgs: request.buildArgs,
      ...(request.target ? { target: request.target } : {}),
      stages: new Set(graph.stages.map((s) => s.index)),
      platform: { os: 'linux', architecture: engine.architecture },
    },
    async (ref) => {
      const image = await engine.backend.images.findImage(ref);
      return image ? factsFromImageConfig(image.config) : undefined;
    },
  );
  if (report.invalidOptions) return report.invalidOptions;
  for (const w of report.warnings) {
    emit({ type: 'build-message', level: 'warning', text: formatShort(w), check: { rule: w.rule, message: w.message, url: w.url, range: w.range } });
  }
  return report.violation ? new DockerfileError(report.violation) : undefined;
}
