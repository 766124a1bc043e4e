import { useEffect, useState, type ReactNode } from 'react';
import type { GraphStep } from '../../../shared/graph';
import { bridge, unwrap } from '../bridge';
import { selectBuild, selectStep, upsertSummary, useBuilds } from '../store/builds';
import { toBridgeError } from '../store/errors';
import { PENDING_STEP, type StepView } from '../store/reducer';
import { useSetup } from '../store/setup';
import { ensureDockerfileText } from '../store/sync';
import { LogView } from '../logs/LogView';
import { ShellTerminal } from '../terminal/ShellTerminal';
import { formatBytes, formatClock, formatDuration, formatTime, shortId } from '../ui/format';
import { STATUS_LABEL } from '../ui/status';
import { FieldTable } from '../ui/FieldTable';
import { useNow } from '../ui/useNow';
import { DockerfileView } from './DockerfileView';
import { ImageConfig } from './ImageConfig';
import { LayerView } from '../layers/LayerView';
import { CacheExplanation } from '../cache/CacheExplanation';
import { layerSize, parentStepId } from '../graph/StepNode';
import { DebugPanel, useDebugTab } from '../debug/DebugTab';
import { useBreakpointGutter } from '../debug/gutter';
import './steps.css';

type Tab = 'logs' | 'dockerfile' | 'details' | 'layer' | 'shell' | 'debug';

interface Props {
  step: GraphStep;
  /** null: the outline (nothing built). */
  buildId: string | null;
  stageName: string;
}

function Details({ step, state, stageName, buildId }: { step: GraphStep; state: StepView; stageName: string; buildId: string | null }) {
  const now = useNow(state.status === 'running');
  const parent = parentStepId(step);
  const parentSize = useBuilds((s) => (buildId && parent ? s.builds[buildId]?.steps[parent]?.size : undefined));
  const layer = layerSize(state, parentSize);
  const rows: [string, ReactNode][] = [
    ['Instruction', <code key="i">{step.text}</code>],
    ['Stage', `${stageName} · step ${step.position}`],
    ['Lines', step.range.start === step.range.end ? `${step.range.start}` : `${step.range.start}–${step.range.end}`],
    ['Status', <span key="s" className={`status-text status-${state.status}`}>{STATUS_LABEL[state.status]}</span>],
  ];
  if (state.cache) {
    rows.push([
      'Cache',
      <span key="c">
        <span className={`cache-chip ${state.cache.hit ? 'hit' : 'miss'}`}>{state.cache.hit ? 'HIT' : 'MISS'}</span> {state.cache.reason}
      </span>,
    ]);
  } else if (buildId && step.kind !== 'FROM' && (state.status === 'done' || state.status === 'failed')) {
    rows.push(['Cache', <span key="c" className="muted">not consulted</span>]);
  }
  if (state.baseImage) rows.push(['Base image', <code key="b" title={state.baseImage}>{shortId(state.baseImage)}</code>]);
  if (state.imageId) rows.push(['Image', <code key="im" title={state.imageId}>{shortId(state.imageId)}</code>]);
  if (layer !== undefined) rows.push(['Layer', `+${formatBytes(layer)} (what this step added)`]);
  if (state.size !== undefined) rows.push(['Image size', formatBytes(state.size)]);
  if (state.startedAt) rows.push(['Started', formatTime(state.startedAt)]);
  if (state.status === 'running' && state.startedAt) rows.push(['Running for', formatClock(now - state.startedAt)]);
  if (state.durationMs !== undefined) rows.push(['Duration', formatDuration(state.durationMs)]);
  if (state.containerId) rows.push(['Container', <code key="ct" title={state.containerId}>{shortId(state.containerId)}</code>]);
  if (state.error?.exitCode !== undefined) rows.push(['Exit code', <span key="e" className="error-text">{state.error.exitCode}</span>]);
  if (state.error) {
    rows.push([
      'Error',
      <span key="er" className="error-text">
        {state.error.message}
        {state.error.location ? ` (line ${state.error.location.start})` : ''}
      </span>,
    ]);
  }
  return (
    <div className="details" data-testid="step-details">
      <FieldTable rows={rows} />
      <CacheExplanation decision={state.cache} buildId={buildId} />
      {state.imageId && <ImageConfig imageId={state.imageId} buildId={buildId} />}
      {!buildId && <p className="muted details-hint">Not built yet: build to see this step&apos;s logs, cache decision, image and timing.</p>}
    </div>
  );
}

/** The selected step: its logs, its lines in the Dockerfile, its details, a shell while it runs. */
export function StepPanel({ step, buildId, stageName }: Props) {
  const [tab, setTab] = useState<Tab>(buildId ? 'logs' : 'dockerfile');
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const state = useBuilds((s) => (buildId ? (s.builds[buildId]?.steps[step.id] ?? PENDING_STEP) : PENDING_STEP));
  const log = useBuilds((s) => (buildId ? s.builds[buildId]?.logs[step.id] : undefined));
  const buildStatus = useBuilds((s) => (buildId ? s.builds[buildId]?.status : undefined));
  const summary = useBuilds((s) => (buildId ? s.summaries[buildId] : undefined));
  const buildText = useBuilds((s) => (buildId ? s.texts[buildId] : undefined));
  const outlineText = useSetup((s) => s.outline?.text);
  const now = useNow(state.status === 'running');

  useEffect(() => setActionError(null), [step.id, buildId]);
  // A paused or failed step's Debug tab (debug/), and breakpoints in the Dockerfile's gutter.
  const debug = useDebugTab(buildId, step, tab === 'debug', () => setTab('debug'), () => setTab('logs'));
  const gutter = useBreakpointGutter(buildId);
  useEffect(() => {
    if (!buildId && (tab === 'logs' || tab === 'shell' || tab === 'layer')) setTab('dockerfile');
  }, [buildId, tab]);
  useEffect(() => {
    if (buildId && summary && !buildText && tab === 'dockerfile') void ensureDockerfileText(summary);
  }, [buildId, summary, buildText, tab]);

  const running = buildStatus === 'running';
  const canKill = !!buildId && running && (state.status === 'queued' || state.status === 'running');
  // An imported build ran elsewhere: there is nothing here to build again.
  const canRetry = !!buildId && !running && !summary?.imported && (state.status === 'failed' || state.status === 'cancelled');
  const shellAvailable = !!buildId && step.kind === 'RUN' && state.status === 'running' && !!state.containerId;
  const shellReason = !buildId
    ? 'Build first: a shell opens in a running step.'
    : step.kind !== 'RUN'
      ? 'Only RUN steps run a container to open a shell in.'
      : state.status === 'running'
        ? 'Waiting for the step’s container…'
        : `The step is ${STATUS_LABEL[state.status]}: a shell opens while it runs.`;

  const act = async (what: () => Promise<void>) => {
    setBusy(true);
    setActionError(null);
    try {
      await what();
    } catch (err) {
      setActionError(toBridgeError(err).message);
    } finally {
      setBusy(false);
    }
  };

  const kill = () => act(async () => unwrap(bridge().stepKill({ buildId: buildId!, stepId: step.id })));
  const retry = () =>
    act(async () => {
      const next = await unwrap(bridge().stepRetry({ buildId: buildId!, stepId: step.id }));
      upsertSummary(next);
      selectBuild(next.buildId, step.id);
      void ensureDockerfileText(next);
    });

  const text = buildId ? buildText?.text : outlineText;
  const note = buildId && buildText?.reread ? 'Read from disk after the build started: it may differ from what this build used.' : undefined;

  return (
    <aside className="step-panel" data-testid="step-panel" data-step-id={step.id}>
      <header className="step-panel-header">
        <div className="step-panel-title">
          <span className={`status-chip status-${state.paused ? 'paused' : state.status}`} data-testid="step-panel-status">
            {state.paused ? (state.paused.reason === 'failure' ? 'stopped at failure' : 'paused') : STATUS_LABEL[state.status]}
            {state.status === 'running' && !state.paused && state.startedAt ? ` ${formatClock(now - state.startedAt)}` : ''}
          </span>
          <h2 title={step.name}>{step.name}</h2>
          {canKill && (
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => void kill()}
              data-testid="kill-step"
              title="Kill this step: its stage and what depends on it stop; other stages go on"
            >
              Kill step
            </button>
          )}
          {canRetry && (
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => void retry()}
              data-testid="retry-step"
              title="Build again from the Dockerfile as it is now; earlier steps come from the cache"
            >
              Retry
            </button>
          )}
          <button type="button" className="icon close" title="Close (Esc)" onClick={() => selectStep(null)}>
            ✕
          </button>
        </div>
        {(state.error || actionError) && (
          <div className="step-panel-errors">
            {state.error && (
              <div className="error-text step-error-summary" title={state.error.message} data-testid="step-error">
                {state.error.exitCode !== undefined ? `exit code ${state.error.exitCode}: ` : ''}
                {state.error.message}
              </div>
            )}
            {actionError && (
              <div className="error-text" role="alert">
                {actionError}
              </div>
            )}
          </div>
        )}
        <nav className="tabs" role="tablist">
          {(buildId ? (['logs', 'dockerfile', 'details', 'layer', 'shell', ...(debug.available ? (['debug'] as const) : [])] as const) : (['dockerfile', 'details'] as const)).map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              className={tab === t ? 'active' : ''}
              onClick={() => setTab(t)}
              data-testid={`tab-${t}`}
            >
              {t === 'logs' ? 'Logs' : t === 'dockerfile' ? 'Dockerfile' : t === 'details' ? 'Details' : t === 'layer' ? 'Layer' : t === 'debug' ? 'Debug' : 'Shell'}
              {t === 'shell' && shellAvailable && <span className="tab-dot" />}
              {t === 'debug' && debug.dot && <span className="tab-dot paused" />}
            </button>
          ))}
        </nav>
      </header>
      <div className="step-panel-body">
        {tab === 'logs' && buildId && (
          <LogView
            log={log}
            fileName={`${buildId}-${step.id}`}
            emptyText={
              state.status === 'running' ? 'No output yet…' : state.status === 'queued' || state.status === 'pending' ? 'Not started yet.' : state.status === 'cached' ? 'Cached: the step did not run, so it has no output.' : 'This step wrote no output.'
            }
          />
        )}
        {tab === 'dockerfile' &&
          (text !== undefined ? (
            <DockerfileView text={text} range={step.range} error={state.error} note={note} gutter={gutter} />
          ) : (
            <div className="panel-empty">Reading the Dockerfile…</div>
          ))}
        {tab === 'details' && <Details step={step} state={state} stageName={stageName} buildId={buildId} />}
        {tab === 'layer' && buildId && <LayerView buildId={buildId} stepId={step.id} state={state} />}
        {buildId && (
          <div className={`shell-tab${tab === 'shell' ? '' : ' hidden'}`}>
            <ShellTerminal
              key={`${buildId}:${step.id}`}
              buildId={buildId}
              stepId={step.id}
              available={shellAvailable}
              unavailableReason={shellReason}
              visible={tab === 'shell'}
            />
          </div>
        )}
        {buildId && debug.mounted && (
          <div className={`debug-tab${tab === 'debug' ? '' : ' hidden'}`}>
            <DebugPanel key={`${buildId}:${step.id}`} buildId={buildId} step={step} visible={tab === 'debug'} autoShell={debug.autoShell} />
          </div>
        )}
      </div>
    </aside>
  );
}
