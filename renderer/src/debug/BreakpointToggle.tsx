import type { GraphStep } from '../../../shared/graph';
import { toggleBreakpoint, useIsBreakpoint } from './store';
import './debug.css';

/**
 * A step's breakpoint: a dot to click (in the graph and in the Dockerfile's gutter). A FROM has
 * none: nothing exists before it to pause in.
 */
export function BreakpointToggle({ step, where }: { step: GraphStep; where: 'node' | 'gutter' }) {
  const on = useIsBreakpoint(step.id);
  if (step.kind === 'FROM') return null;
  return (
    <button
      type="button"
      className={`breakpoint nodrag ${where}${on ? ' on' : ''}`}
      aria-pressed={on}
      title={on ? 'Remove the breakpoint' : 'Pause the build before this step (breakpoint)'}
      data-testid="breakpoint-toggle"
      data-step-id={step.id}
      data-on={on}
      onClick={(e) => {
        // The node's own click selects the step: this click is only the breakpoint's.
        e.stopPropagation();
        void toggleBreakpoint(step.id).catch((err: unknown) => console.warn('Slipway: could not set the breakpoint:', err));
      }}
      onDoubleClick={(e) => e.stopPropagation()}
    >
      <span className="breakpoint-dot" aria-hidden />
    </button>
  );
}
