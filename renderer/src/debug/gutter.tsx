import { useCallback, type ReactNode } from 'react';
import { useBuilds } from '../store/builds';
import { useSetup } from '../store/setup';
import { BreakpointToggle } from './BreakpointToggle';

/**
 * The Dockerfile view's gutter: a breakpoint toggle on the first line of each step (of the build
 * shown, or of the outline), nothing on other lines.
 */
export function useBreakpointGutter(buildId: string | null): (line: number) => ReactNode {
  const buildGraph = useBuilds((s) => (buildId ? s.builds[buildId]?.graph : undefined));
  const outlineGraph = useSetup((s) => s.outline?.graph);
  const graph = buildId ? buildGraph : outlineGraph;
  return useCallback(
    (line: number) => {
      const step = graph?.steps.find((s) => s.range.start === line);
      return step ? <BreakpointToggle step={step} where="gutter" /> : null;
    },
    [graph],
  );
}
