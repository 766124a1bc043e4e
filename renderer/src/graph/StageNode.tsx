import { memo } from 'react';
import type { Node, NodeProps } from '@xyflow/react';
import type { GraphStage } from '../../../shared/graph';
import { useBuilds } from '../store/builds';

export type StageNodeData = { stage: GraphStage; isTarget: boolean; baseLabel: string };
export type StageNodeType = Node<StageNodeData, 'stage'>;

const FINISHED = new Set(['done', 'cached']);

/** A stage: the frame around its steps, with its name, base and progress. */
export const StageNode = memo(function StageNode({ data }: NodeProps<StageNodeType>) {
  const { stage, isTarget, baseLabel } = data;
  // A string, so the frame re-renders only when the stage's summary changes.
  const progress = useBuilds((s) => {
    const build = s.selectedBuildId ? s.builds[s.selectedBuildId] : undefined;
    if (!build) return '';
    let finished = 0;
    let state = '';
    for (const id of stage.stepIds) {
      const status = build.steps[id]?.status;
      if (status && FINISHED.has(status)) finished++;
      if (status === 'failed') state = 'failed';
      else if (status === 'running' && state !== 'failed') state = 'running';
      else if (status === 'cancelled' && !state) state = 'cancelled';
    }
    return `${finished}/${stage.stepIds.length}|${state || (finished === stage.stepIds.length ? 'done' : '')}`;
  });
  const [count, state] = progress.split('|');
  return (
    <div className={`stage-node${isTarget ? ' target' : ''}${state ? ` stage-${state}` : ''}`} data-testid="stage-node" data-stage={stage.key}>
      <div className="stage-header">
        <span className="stage-name">{stage.name ?? stage.key}</span>
        {isTarget && <span className="badge badge-target">target</span>}
        {count && <span className="stage-progress">{count}</span>}
      </div>
      <div className="stage-base" title={baseLabel}>
        {baseLabel}
        {stage.platform ? ` · ${stage.platform}` : ''}
      </div>
    </div>
  );
});
