import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { GraphStep } from '../../../shared/graph';
import { PENDING_STEP, type StepView } from '../store/reducer';
import { useBuilds } from '../store/builds';
import { formatBytes, formatClock, formatDuration } from '../ui/format';
import { STATUS_LABEL } from '../ui/status';
import { useNow } from '../ui/useNow';
import { BreakpointToggle } from '../debug/BreakpointToggle';
import { pauseLine } from '../debug/pause-text';

export type StepNodeData = { step: GraphStep };
export type StepNodeType = Node<StepNodeData, 'step'>;

/** `[base 2/3] RUN echo hi` -> `echo hi` (the instruction with build args expanded). */
export function instructionBody(step: GraphStep): string {
  const shown = step.name.replace(/^\[[^\]]*\]\s*/, '');
  return shown.toUpperCase().startsWith(step.kind) ? shown.slice(step.kind.length).trimStart() : shown;
}

/** The step before this one in its stage: its image is this step's parent. */
export function parentStepId(step: GraphStep): string | undefined {
  const prefix = step.id.slice(0, step.id.lastIndexOf(':') + 1);
  return step.position > 1 ? `${prefix}${step.position - 1}` : undefined;
}

/** What a step added: its image's size minus its parent's (events carry image sizes). */
export function layerSize(state: StepView, parentSize: number | undefined): number | undefined {
  if (state.size === undefined || parentSize === undefined) return undefined;
  return Math.max(0, state.size - parentSize);
}

function SizeNote({ state, parentSize }: { state: StepView; parentSize: number | undefined }) {
  if (state.size === undefined) return null;
  const layer = layerSize(state, parentSize);
  return (
    <span className="muted" title={`image ${formatBytes(state.size)}${layer !== undefined ? `, this step added ${formatBytes(layer)}` : ''}`}>
      {' · '}
      {layer !== undefined ? `+${formatBytes(layer)}` : formatBytes(state.size)}
    </span>
  );
}

function StepStateLine({ state, parentSize }: { state: StepView; parentSize: number | undefined }) {
  const now = useNow(state.status === 'running');
  switch (state.status) {
    case 'running':
      if (state.paused) return <span className="step-state-text">{pauseLine(state.paused)}</span>;
      return <span className="step-state-text">running {formatClock(now - (state.startedAt ?? now))}</span>;
    case 'done':
      return (
        <span className="step-state-text">
          {formatDuration(state.durationMs ?? 0)}
          <SizeNote state={state} parentSize={parentSize} />
        </span>
      );
    case 'cached':
      return (
        <span className="step-state-text">
          cached
          <SizeNote state={state} parentSize={parentSize} />
        </span>
      );
    case 'failed':
      return <span className="step-state-text">failed{state.error?.exitCode !== undefined ? ` · exit ${state.error.exitCode}` : ''}</span>;
    case 'cancelled':
      return <span className="step-state-text">cancelled{state.durationMs !== undefined ? ` after ${formatDuration(state.durationMs)}` : ''}</span>;
    default:
      return <span className="step-state-text">{STATUS_LABEL[state.status]}</span>;
  }
}

/** One step. Reads its own state from the store, so an event re-renders only its node. */
export const StepNode = memo(function StepNode({ id, data }: NodeProps<StepNodeType>) {
  const state = useBuilds((s) => (s.selectedBuildId ? (s.builds[s.selectedBuildId]?.steps[id] ?? PENDING_STEP) : PENDING_STEP));
  const selected = useBuilds((s) => s.selectedStepId === id);
  const { step } = data;
  const parent = parentStepId(step);
  const parentSize = useBuilds((s) => (s.selectedBuildId && parent ? s.builds[s.selectedBuildId]?.steps[parent]?.size : undefined));
  return (
    <div
      className={`step-node status-${state.status}${selected ? ' selected' : ''}${state.paused ? ' paused' : ''}`}
      data-testid="step-node"
      data-step-id={id}
      data-status={state.status}
      data-paused={state.paused?.reason}
      title={step.name}
    >
      <Handle type="target" position={Position.Top} id="t" isConnectable={false} />
      <Handle type="target" position={Position.Left} id="l" isConnectable={false} />
      <div className="step-row">
        <span className={`kind kind-${step.kind}`}>{step.kind}</span>
        <span className="step-body">{instructionBody(step)}</span>
        <span className="spacer" />
        <BreakpointToggle step={step} where="node" />
      </div>
      <div className="step-row step-meta">
        <span className="step-status-dot" aria-hidden />
        <StepStateLine state={state} parentSize={parentSize} />
        <span className="step-line">L{step.range.start}</span>
      </div>
      <Handle type="source" position={Position.Bottom} id="b" isConnectable={false} />
      <Handle type="source" position={Position.Right} id="r" isConnectable={false} />
    </div>
  );
});
