import { useEffect, useMemo, useState } from 'react';
import type { BuildGraph, GraphStep } from '../../../shared/graph';
import type { ImageWaste } from '../../../shared/layers';
import { bridge, unwrap } from '../bridge';
import { layerSize, parentStepId } from '../graph/StepNode';
import { selectStep, useBuilds } from '../store/builds';
import { toBridgeError } from '../store/errors';
import { PENDING_STEP, type BuildView, type StepView } from '../store/reducer';
import { formatBytes, formatDuration, plural } from '../ui/format';
import { STATUS_LABEL } from '../ui/status';
import { useNow } from '../ui/useNow';
import { ganttLayout, type GanttLayout } from './gantt';
import './profile.css';

interface Row {
  step: GraphStep;
  stage: string;
  state: StepView;
  /** Ms after the build started. */
  offset?: number;
  duration?: number;
  layer?: number;
}

/** The build's profile: a timeline with a lane per stage, the steps as a table, and wasted space. */
export function ProfileView({ buildId }: { buildId: string }) {
  const build = useBuilds((s) => s.builds[buildId]);
  const selected = useBuilds((s) => s.selectedStepId);
  const running = build?.status === 'running';
  const now = useNow(running);
  if (!build?.graph) return <div className="profile-view graph-message">The profile appears once the build has started.</div>;
  const { graph } = build;
  const rows = profileRows(build, graph, now);
  const layout = ganttLayout(
    graph.stages.map((s) => ({ index: s.index, label: s.name ?? s.key })),
    graph.steps.map((s) => {
      const state = build.steps[s.id] ?? PENDING_STEP;
      return { id: s.id, stage: s.stage, startedAt: state.startedAt, endedAt: state.endedAt, running: state.status === 'running' };
    }),
    build.startedAt,
    now,
  );
  const names = new Map(graph.steps.map((s) => [s.id, s.name]));
  return (
    <div className="profile-view" data-testid="profile-view">
      <section className="profile-section">
        <h3>Timeline</h3>
        <Gantt layout={layout} build={build} names={names} selected={selected} />
      </section>
      <section className="profile-section">
        <h3>Steps</h3>
        <StepTable rows={rows} selected={selected} />
      </section>
      <section className="profile-section">
        <h3>Wasted space</h3>
        <WasteSummary buildId={buildId} build={build} names={names} />
      </section>
    </div>
  );
}

function profileRows(build: BuildView, graph: BuildGraph, now: number): Row[] {
  const stageName = new Map(graph.stages.map((s) => [s.index, s.name ?? s.key]));
  const rows = graph.steps.map((step, order): Row & { order: number } => {
    const state = build.steps[step.id] ?? PENDING_STEP;
    const parent = parentStepId(step);
    const size = state.layer?.size ?? layerSize(state, parent ? build.steps[parent]?.size : undefined);
    const duration = state.durationMs ?? (state.status === 'running' && state.startedAt ? now - state.startedAt : undefined);
    return {
      order,
      step,
      stage: stageName.get(step.stage) ?? '',
      state,
      ...(state.startedAt !== undefined && build.startedAt !== undefined ? { offset: state.startedAt - build.startedAt } : {}),
      ...(duration !== undefined ? { duration } : {}),
      ...(size !== undefined ? { layer: size } : {}),
    };
  });
  // In the order steps started; those that never did, last, in Dockerfile order.
  return rows.sort((a, b) => (a.offset ?? Infinity) - (b.offset ?? Infinity) || a.order - b.order);
}

function Gantt({ layout, build, names, selected }: { layout: GanttLayout; build: BuildView; names: Map<string, string>; selected: string | null }) {
  const pct = (f: number) => `${(f * 100).toFixed(3)}%`;
  return (
    <div className="gantt" data-testid="gantt">
      <div className="gantt-axis">
        <div className="gantt-label" />
        <div className="gantt-track">
          {layout.ticks.map((t) => (
            <span key={t} className="gantt-tick" style={{ left: pct(t / layout.span) }}>
              {formatDuration(t)}
            </span>
          ))}
        </div>
      </div>
      {layout.lanes.map((lane, i) => (
        <div key={lane.stage} className="gantt-lane" data-testid="gantt-lane" data-stage={lane.stage}>
          <div className="gantt-label" title={lane.label}>
            {lane.label}
          </div>
          <div className="gantt-track">
            {layout.ticks.map((t) => (
              <span key={t} className="gantt-grid" style={{ left: pct(t / layout.span) }} />
            ))}
            {layout.bars
              .filter((b) => b.lane === i)
              .map((bar) => {
                const state = build.steps[bar.id] ?? PENDING_STEP;
                const cache = state.cache ? ` · cache ${state.cache.hit ? 'hit' : 'miss'}` : '';
                return (
                  <button
                    key={bar.id}
                    type="button"
                    className={`gantt-bar status-${state.status}${selected === bar.id ? ' selected' : ''}`}
                    style={{ left: pct(bar.left), width: pct(bar.width) }}
                    title={`${names.get(bar.id)}\n+${formatDuration(bar.start)} · ${formatDuration(bar.end - bar.start)} · ${STATUS_LABEL[state.status]}${cache}`}
                    onClick={() => selectStep(bar.id)}
                    data-testid="gantt-bar"
                    data-step-id={bar.id}
                    data-lane={i}
                    data-start={bar.start}
                    data-end={bar.end}
                  />
                );
              })}
          </div>
        </div>
      ))}
    </div>
  );
}

function StepTable({ rows, selected }: { rows: Row[]; selected: string | null }) {
  return (
    <table className="profile-table steps-table" data-testid="profile-table">
      <colgroup>
        <col className="c-step" />
        <col className="c-stage" />
        <col className="c-start" />
        <col className="c-duration" />
        <col className="c-cache" />
        <col className="c-layer" />
      </colgroup>
      <thead>
        <tr>
          <th>Step</th>
          <th>Stage</th>
          <th className="num">Start</th>
          <th className="num">Duration</th>
          <th>Cache</th>
          <th className="num">Layer</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ step, stage, state, offset, duration, layer }) => (
          <tr
            key={step.id}
            className={selected === step.id ? 'selected' : ''}
            onClick={() => selectStep(step.id)}
            data-testid="profile-row"
            data-step-id={step.id}
            data-status={state.status}
          >
            <td className="profile-step" title={step.text}>
              <span className={`profile-dot status-${state.status}`} title={STATUS_LABEL[state.status]} />
              <span className="kind">{step.kind}</span> <code>{step.text.slice(step.kind.length).trim()}</code>
            </td>
            <td>{stage}</td>
            <td className="num tabular">{offset !== undefined ? `+${formatDuration(offset)}` : '—'}</td>
            <td className="num tabular">{duration !== undefined ? formatDuration(duration) : '—'}</td>
            <td className="profile-cache" title={state.cache?.reason}>
              {state.cache ? (
                <>
                  <span className={`cache-chip ${state.cache.hit ? 'hit' : 'miss'}`}>{state.cache.hit ? 'HIT' : 'MISS'}</span>
                  <span className="muted">{state.cache.reason}</span>
                </>
              ) : (
                <span className="muted">{step.kind === 'FROM' ? 'base image' : STATUS_LABEL[state.status]}</span>
              )}
            </td>
            <td className="num tabular" data-testid="profile-layer">
              {layer !== undefined ? `+${formatBytes(layer)}` : '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function WasteSummary({ buildId, build, names }: { buildId: string; build: BuildView; names: Map<string, string> }) {
  const [waste, setWaste] = useState<ImageWaste[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Asked again as layers are committed and when the build ends.
  const layers = useMemo(() => Object.values(build.steps).filter((s) => s.layer || s.status === 'cached').length, [build.steps]);
  useEffect(() => {
    let live = true;
    unwrap(bridge().buildWaste({ buildId })).then(
      (result) => {
        if (!live) return;
        setWaste(result);
        setError(null);
      },
      (err: unknown) => live && setError(toBridgeError(err).message),
    );
    return () => {
      live = false;
    };
  }, [buildId, build.status, layers]);

  if (error) return <div className="error-text">{error}</div>;
  if (!waste) return <div className="muted">Reading the layers…</div>;
  const [target, ...others] = waste;
  if (!target) return <div className="muted">No layers yet.</div>;
  const label = (w: ImageWaste) => `${w.stageKey}${w.target ? ' (the build’s image)' : ''}`;
  return (
    <div className="waste" data-testid="waste">
      <div className="waste-total" data-testid="waste-total" data-bytes={target.total}>
        <strong>{formatBytes(target.total)}</strong> wasted in {label(target)}
        {target.files.length > 0 && <span className="muted"> · {plural(target.files.length + target.more, 'file')} a later step deleted or overwrote</span>}
      </div>
      {target.unknownSteps.length > 0 && (
        <div className="muted waste-note">
          Not counted: {plural(target.unknownSteps.length, 'step')} without a recorded diff ({target.unknownSteps.map((id) => names.get(id) ?? id).join(', ')}).
        </div>
      )}
      {target.files.length > 0 && (
        <table className="profile-table waste-files" data-testid="waste-files">
          <thead>
            <tr>
              <th>File</th>
              <th className="num">Size</th>
              <th>Written by</th>
              <th>Then</th>
            </tr>
          </thead>
          <tbody>
            {target.files.map((f) => (
              <tr key={`${f.path}@${f.stepId}`} data-testid="waste-file" data-path={f.path}>
                <td>
                  <code>{f.path}</code>
                </td>
                <td className="num tabular">{formatBytes(f.size)}</td>
                <td className="muted">{names.get(f.stepId) ?? f.stepId}</td>
                <td className="muted">
                  {f.how} by {names.get(f.removedBy) ?? f.removedBy}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {target.more > 0 && <div className="muted waste-note">and {plural(target.more, 'smaller file')}</div>}
      {others.length > 0 && (
        <div className="waste-others">
          {others.map((w) => (
            <span key={w.stage} className="waste-other" data-testid="waste-other">
              {w.stageKey}: {formatBytes(w.total)}
              {w.unknownSteps.length ? ' (incomplete)' : ''}
            </span>
          ))}
        </div>
      )}
    </div>
  );
}
