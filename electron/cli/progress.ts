import type { BuildCheck, BuildEvent } from '../../shared/events';
import { formatBuildWarnings } from '../builder/checks';
import type { GraphStep } from '../../shared/graph';

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

/** `--progress=plain`: the classic builder's output (`Step i/N : ...`, ` ---> id`), from events. */
export function plainProgress(out: NodeJS.WritableStream, err: NodeJS.WritableStream): (event: BuildEvent) => void {
  let steps: GraphStep[] = [];
  const checks: BuildCheck[] = [];
  const number = (stepId: string) => steps.findIndex((s) => s.id === stepId) + 1;
  return (event) => {
    switch (event.type) {
      case 'build-started':
        steps = event.graph.steps;
        break;
      case 'step-started': {
        const step = steps.find((s) => s.id === event.stepId);
        if (step) out.write(`Step ${number(step.id)}/${steps.length} : ${step.text}\n`);
        break;
      }
      case 'step-cache':
        if (event.decision.hit) out.write(' ---> Using cache\n');
        break;
      case 'step-container':
        out.write(` ---> Running in ${short(event.containerId)}\n`);
        break;
      case 'step-log':
        (event.stream === 'stderr' ? err : out).write(event.text);
        break;
      case 'step-done':
        if (event.imageId) out.write(` ---> ${short(event.imageId)}\n`);
        break;
      case 'build-message':
        // Build checks are summed up at the end, as buildx does.
        if (event.check) checks.push(event.check);
        else err.write(`${event.text}\n`);
        break;
      case 'build-finished':
        if (event.status === 'succeeded' && event.imageId) out.write(`Successfully built ${short(event.imageId)}\n`);
        err.write(formatBuildWarnings(checks, 'isTTY' in err && err.isTTY === true));
        break;
    }
  };
}
