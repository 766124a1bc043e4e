import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ResumeMode } from '../../../shared/debug';
import type { GraphStep } from '../../../shared/graph';
import { bridge, unwrap } from '../bridge';
import { selectStep, useBuilds } from '../store/builds';
import { toBridgeError } from '../store/errors';
import type { StepPause } from '../store/reducer';
import { shortId } from '../ui/format';
import { requestDebugTab } from './store';
import './debug.css';

function pauseText(step: GraphStep, pause: StepPause): string {
  if (pause.reason === 'failure') return `Stopped where ${step.name} failed`;
  return `Paused before ${step.name}`;
}

function pauseNote(pause: StepPause): string {
  const why = pause.reason === 'breakpoint' ? 'its breakpoint' : pause.reason === 'step' ? 'stepping' : 'break on failure';
  const cached = pause.cached ? ' · will come from the cache, not run' : '';
  return `${why}${cached}`;
}

/**
 * A running build that waits: where, why, and what next — continue, step to the next step, abort —
 * or a shell in the state it waits in. Leaving the build (choosing another one) removes what
 * inspecting it made, and a failed container it kept.
 */
export function PausedBanner({ buildId }: { buildId: string }) {
  const pausedIds = useBuilds(
    useShallow((s) => {
      const build = s.builds[buildId];
      if (!build?.graph || build.status !== 'running') return [];
      return build.graph.steps.filter((st) => build.steps[st.id]?.paused).map((st) => st.id);
    }),
  );
  const graph = useBuilds((s) => s.builds[buildId]?.graph);
  const steps = useBuilds((s) => s.builds[buildId]?.steps);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setError(null);
    // Leaving the build (or closing the window's view of it): what inspecting it made goes.
    return () => void bridge().debugClose({ buildId }).then(() => {}, () => {});
  }, [buildId]);
  useEffect(() => setBusy(false), [pausedIds.join(',')]);

  if (pausedIds.length === 0 || !graph || !steps) return null;

  const resume = async (mode: ResumeMode) => {
    setBusy(true);
    setError(null);
    try {
      await unwrap(bridge().buildResume({ buildId, mode }));
    } catch (err) {
      setError(toBridgeError(err).message);
      setBusy(false);
    }
  };

  const failure = pausedIds.some((id) => steps[id]?.paused?.reason === 'failure');
  return (
    <div className={`paused-banner${failure ? ' failure' : ''}`} data-testid="paused-banner" role="status">
      <span className="paused-icon" aria-hidden>
        {failure ? '■' : '❚❚'}
      </span>
      <div className="paused-steps">
        {pausedIds.map((id) => {
          const step = graph.steps.find((s) => s.id === id)!;
          const pause = steps[id]!.paused!;
          return (
            <div key={id} className="paused-step" data-testid="paused-step" data-step-id={id} data-reason={pause.reason} data-cached={!!pause.cached}>
              <button type="button" className="link paused-where" onClick={() => selectStep(id)} title="Show this step">
                {pauseText(step, pause)}
              </button>
              <span className="paused-note" title={pauseNote(pause)}>
                line {step.range.start} · {pauseNote(pause)}
                {pause.imageId ? (
                  <>
                    {' '}
                    · state <code title={pause.imageId}>{shortId(pause.imageId)}</code>
                  </>
                ) : (
                  ' · an empty scratch stage'
                )}
              </span>
              <button
                type="button"
                className="paused-shell"
                disabled={!pause.imageId && pause.reason !== 'failure'}
                onClick={() => {
                  selectStep(id);
                  requestDebugTab(id, pause.reason !== 'failure');
                }}
                data-testid="paused-open-shell"
                title={pause.reason === 'failure' ? 'Shells before and after the step, and the files it changed' : 'A shell in the state this step starts from'}
              >
                {pause.reason === 'failure' ? 'Inspect before / after' : 'Open shell here'}
              </button>
            </div>
          );
        })}
      </div>
      {error && <span className="error-text">{error}</span>}
      <button type="button" className="primary" disabled={busy} onClick={() => void resume('continue')} data-testid="resume-continue" title="Go on to the next breakpoint">
        Continue
      </button>
      <button
        type="button"
        disabled={busy || failure}
        onClick={() => void resume('step')}
        data-testid="resume-step"
        title={failure ? 'A failed step has no next step' : 'Run this step and pause before the next one'}
      >
        Step
      </button>
      <button type="button" className="danger" disabled={busy} onClick={() => void resume('abort')} data-testid="resume-abort" title="Cancel the build">
        Abort
      </button>
    </div>
  );
}
