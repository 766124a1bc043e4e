import { useEffect, useState } from 'react';
import type { DebugTarget } from '../../../shared/debug';
import type { GraphStep } from '../../../shared/graph';
import { bridge } from '../bridge';
import { useBuilds } from '../store/builds';
import { PENDING_STEP, type StepView } from '../store/reducer';
import { ShellTerminal } from '../terminal/ShellTerminal';
import { shortId } from '../ui/format';
import { DiffList } from './DiffList';
import { useDebug } from './store';
import './debug.css';

/** A failed step's two shells: the image it started from, and its container as it stopped. */
const FAILURE_SIDES = [
  { target: 'before', title: 'Before', intro: 'A shell in the image the step started from: what it saw before it ran.' },
  {
    target: 'after',
    title: 'After',
    intro: "A shell in the failed container's files, as the step left them (its container committed to a debug image).",
  },
] as const;

/** What the Debug tab shows for a step: a paused step's state, or a failed step's before and after. */
export function debugKind(state: StepView): 'paused' | 'failure' | null {
  if (state.paused) return state.paused.reason === 'failure' ? 'failure' : 'paused';
  return state.status === 'failed' ? 'failure' : null;
}

/**
 * The step panel's Debug tab: whether it is offered, showing it when the paused banner asks, and
 * leaving it when there is nothing to debug any more. Its view mounts on first use and then stays
 * (hidden on other tabs), so shells survive switching tabs.
 */
export function useDebugTab(buildId: string | null, step: GraphStep, showing: boolean, show: () => void, leave: () => void) {
  const kind = useBuilds((s) => (buildId ? debugKind(s.builds[buildId]?.steps[step.id] ?? PENDING_STEP) : null));
  const request = useDebug((s) => (s.tabRequest?.stepId === step.id ? s.tabRequest : null));
  const [mounted, setMounted] = useState(false);
  const [autoShell, setAutoShell] = useState(false);

  useEffect(() => {
    setMounted(false);
    setAutoShell(false);
  }, [buildId, step.id]);
  useEffect(() => {
    if (!request || !kind) return;
    setAutoShell(request.openShell);
    show();
    useDebug.setState({ tabRequest: null });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [request?.nonce, kind]);
  useEffect(() => {
    if (showing && kind) setMounted(true);
    if (showing && !kind) leave();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [showing, kind]);

  return { available: kind !== null, mounted: mounted && kind !== null, dot: kind === 'paused', autoShell };
}

function DebugShell({
  buildId,
  stepId,
  target,
  visible,
  available,
  unavailableReason,
  liveText,
  intro,
  autoOpen = false,
}: {
  buildId: string;
  stepId: string;
  target: DebugTarget;
  visible: boolean;
  available: boolean;
  unavailableReason: string;
  liveText: string;
  intro: string;
  autoOpen?: boolean;
}) {
  return (
    <ShellTerminal
      buildId={buildId}
      stepId={stepId}
      available={available}
      unavailableReason={unavailableReason}
      visible={visible}
      connect={({ cols, rows }) => bridge().debugShell({ buildId, stepId, target, cols, rows })}
      liveText={liveText}
      intro={<p>{intro}</p>}
      autoOpen={autoOpen}
    />
  );
}

interface PanelProps {
  buildId: string;
  step: GraphStep;
  visible: boolean;
  autoShell: boolean;
}

/**
 * A paused step: a shell in the state it starts from. A failed step: shells side by side in the
 * image it started from (before) and in its container as it failed (after), and the files it
 * changed. Closing the view, or leaving the step, removes the debug containers and images.
 */
export function DebugPanel({ buildId, step, visible, autoShell }: PanelProps) {
  const state = useBuilds((s) => s.builds[buildId]?.steps[step.id] ?? PENDING_STEP);
  const buildStatus = useBuilds((s) => s.builds[buildId]?.status);
  const kind = debugKind(state);
  // A new round of shells after "Close": fresh terminals over fresh debug containers.
  const [round, setRound] = useState(0);

  useEffect(() => () => void bridge().debugClose({ buildId, stepId: step.id }).then(() => {}, () => {}), [buildId, step.id]);

  const close = () => {
    setRound((r) => r + 1);
    void bridge().debugClose({ buildId, stepId: step.id });
  };

  const pause = state.paused;
  const key = `${buildId}:${step.id}:${round}`;
  if (kind === 'paused' && pause) {
    const empty = pause.imageId === '';
    return (
      <div className="debug-view" data-testid="debug-view" data-kind="paused">
        <div className="debug-bar">
          <span>
            The build waits before this step ({pause.reason === 'breakpoint' ? 'breakpoint' : 'stepping'})
            {pause.cached ? <strong className="debug-cached"> · it will come from the cache</strong> : ''}
          </span>
          <div className="spacer" />
          <button type="button" onClick={close} data-testid="debug-close" title="Close the shell and remove its debug container">
            Close debug view
          </button>
        </div>
        <div className="debug-shells one">
          <section className="debug-side" data-testid="debug-paused">
            <h4>
              State the step starts from {empty ? '' : <code title={pause.imageId}>{shortId(pause.imageId)}</code>}
            </h4>
            <DebugShell
              key={key}
              buildId={buildId}
              stepId={step.id}
              target="paused"
              visible={visible}
              available={!empty}
              unavailableReason="An empty scratch stage: no files, and no shell, yet."
              liveText="sh in the state this step starts from"
              intro="A shell in a throwaway container of the image this step starts from: the files, environment, user and working directory the step would run with. Nothing you change here reaches the build."
              autoOpen={autoShell}
            />
          </section>
        </div>
      </div>
    );
  }

  const waiting = pause?.reason === 'failure';
  return (
    <div className="debug-view" data-testid="debug-view" data-kind="failure">
      <div className="debug-bar">
        <span>
          {waiting ? 'The build waits at this failed step (break on failure).' : 'This step failed.'}{' '}
          <span className="muted">Before: the image it started from. After: its container as it stopped.</span>
        </span>
        <div className="spacer" />
        <button type="button" onClick={close} data-testid="debug-close" title="Close the shells and remove the debug containers and image">
          Close debug view
        </button>
      </div>
      <div className="debug-shells">
        {FAILURE_SIDES.map((side) => (
          <section key={side.target} className="debug-side" data-testid={`debug-${side.target}`}>
            <h4>{side.title}</h4>
            <DebugShell
              key={`${side.target}:${key}`}
              buildId={buildId}
              stepId={step.id}
              target={side.target}
              visible={visible}
              available
              unavailableReason=""
              liveText={`sh (${side.target})`}
              intro={side.intro}
            />
          </section>
        ))}
      </div>
      <DiffList buildId={buildId} stepId={step.id} refreshKey={`${round}:${buildStatus}:${state.status}`} />
    </div>
  );
}
