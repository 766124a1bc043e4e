import type { StepPause } from '../store/reducer';

/** A paused step's state line in the graph: `paused · breakpoint · from cache`. */
export function pauseLine(pause: StepPause): string {
  const why = pause.reason === 'failure' ? 'stopped at its failure' : pause.reason === 'step' ? 'paused · stepping' : 'paused · breakpoint';
  return pause.cached ? `${why} · from cache` : why;
}
