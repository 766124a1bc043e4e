import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { BridgeError } from '../../shared/contract';
import type { BuildGraph } from '../../shared/graph';
import { bridge, unwrap } from './bridge';
import { BuildGraphView } from './graph/BuildGraphView';
import { selectBuild, selectStep, useBuilds } from './store/builds';
import { toBridgeError } from './store/errors';
import { stepCounts } from './store/reducer';
import { useSetup } from './store/setup';
import { ensureDockerfileText } from './store/sync';
import { CheckCount } from './steps/CheckNotes';
import { DockerfileView } from './steps/DockerfileView';
import { StepPanel } from './steps/StepPanel';
import { PausedBanner } from './debug/PausedBanner';
import { ProfileToggle } from './profile/ProfileToggle';
import { ErrorBoundary } from './ui/ErrorBoundary';
import { ErrorBox } from './ui/ErrorBox';
import { formatClock, formatDuration, plural, shortId } from './ui/format';
import { BUILD_STATUS_LABEL } from './ui/status';
import { useNow } from './ui/useNow';

function BuildHeader({ buildId }: { buildId: string }) {
  const status = useBuilds((s) => s.builds[buildId]?.status ?? s.summaries[buildId]?.status ?? 'pending');
  const startedAt = useBuilds((s) => s.builds[buildId]?.startedAt ?? s.summaries[buildId]?.startedAt);
  const durationMs = useBuilds((s) => s.builds[buildId]?.durationMs);
  const imageId = useBuilds((s) => s.builds[buildId]?.imageId);
  const tags = useBuilds((s) => s.builds[buildId]?.tags);
  const messages = useBuilds((s) => s.builds[buildId]?.messages);
  const buildError = useBuilds((s) => s.builds[buildId]?.error);
  const summary = useBuilds((s) => s.summaries[buildId]);
  const counts = useBuilds((s) => {
    const build = s.builds[buildId];
    if (!build?.graph) return '';
    const c = stepCounts(build);
    const parts = [`${c.done + c.cached}/${build.graph.steps.length} steps`];
    if (c.cached) parts.push(`${c.cached} cached`);
    if (c.running) parts.push(`${c.running} running`);
    if (c.failed) parts.push(`${c.failed} failed`);
    if (c.cancelled) parts.push(`${c.cancelled} cancelled`);
    return parts.join(' · ');
  });
  const running = status === 'running' || status === 'pending';
  const now = useNow(running);
  const [error, setError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  useEffect(() => {
    setError(null);
    setCancelling(false);
  }, [buildId]);

  const cancel = async () => {
    setCancelling(true);
    try {
      await unwrap(bridge().buildCancel({ buildId }));
    } catch (err) {
      setError(toBridgeError(err).message);
      setCancelling(false);
    }
  };

  const elapsed = durationMs ?? (startedAt ? now - startedAt : undefined);
  return (
    <div className="ws-header" data-testid="build-header" data-build-id={buildId} data-status={status}>
      <span className={`status-chip b-${status}`} data-testid="build-status">
        {BUILD_STATUS_LABEL[status] ?? status}
      </span>
      <span className="ws-title">
        Build <code>{buildId}</code>
        {summary && (
          <span className="ws-meta">
            {' '}
            · {summary.request.dockerfile}
            {summary.request.target ? ` → ${summary.request.target}` : ''}
          </span>
        )}
        {summary?.retryOf && (
          <>
            {' '}
            · retry of{' '}
            <button type="button" className="link" onClick={() => selectBuild(summary.retryOf!)}>
              {summary.retryOf}
            </button>
          </>
        )}
        {summary?.imported && (
          <span className="ws-meta" data-testid="build-imported" title={`Built elsewhere as ${summary.imported.from}; read from a build record`}>
            {' '}
            · imported
          </span>
        )}
      </span>
      {elapsed !== undefined && <span className="ws-meta tabular">{running ? formatClock(elapsed) : formatDuration(elapsed)}</span>}
      {counts && <span className="ws-meta" data-testid="build-counts">{counts}</span>}
      {imageId && (
        <span className="ws-meta" title={imageId}>
          image <code>{shortId(imageId)}</code>
          {tags?.length ? ` · ${tags.join(', ')}` : ''}
        </span>
      )}
      {buildError && (
        <span className="ws-message error" title={buildError.message} data-testid="build-error">
          {buildError.location ? `line ${buildError.location.start}: ` : ''}
          {buildError.message}
        </span>
      )}
      {messages?.filter((m) => !m.check).map((m, i) => (
        <span key={i} className={`ws-message ${m.level}`} title={m.text}>
          {m.text}
        </span>
      ))}
      <CheckCount warnings={messages?.flatMap((m) => (m.check ? [m.check] : [])) ?? []} testId="build-warnings" />
      <div className="spacer" />
      {error && <span className="error-text">{error}</span>}
      {running && (
        <button type="button" className="danger" disabled={cancelling} onClick={() => void cancel()} data-testid="cancel-build">
          {cancelling ? 'Cancelling…' : 'Cancel build'}
        </button>
      )}
    </div>
  );
}

function OutlineHeader() {
  const outline = useSetup((s) => s.outline);
  const dockerfile = useSetup((s) => s.dockerfile);
  const outlining = useSetup((s) => s.outlining);
  const outlineError = useSetup((s) => s.outlineError);
  if (!outline) {
    if (!outlineError) return null;
    return (
      <div className="ws-header" data-testid="outline-header">
        <span className="status-chip b-failed">cannot read</span>
        <span className="ws-title">
          <code>{dockerfile}</code>
        </span>
        <span className="ws-meta">
          {outlineError.code === 'DOCKERFILE'
            ? `Dockerfile error${outlineError.location ? ` at line ${outlineError.location.start}` : ''}`
            : outlineError.message}
        </span>
      </div>
    );
  }
  const { graph } = outline;
  const target = graph.stages.find((s) => s.index === graph.target);
  return (
    <div className="ws-header" data-testid="outline-header">
      <span className="status-chip outline">outline</span>
      <span className="ws-title">
        <code>{dockerfile}</code>
      </span>
      <span className="ws-meta">
        {plural(graph.steps.length, 'step')} in {plural(graph.stages.length, 'stage')}
        {target ? ` · target ${target.name ?? target.key}` : ''}
      </span>
      {outlining && <span className="ws-meta">reading…</span>}
      <CheckCount warnings={outline.warnings} testId="outline-warnings" />
      <div className="spacer" />
      <span className="ws-meta muted">Nothing built yet: click a step to see its lines</span>
    </div>
  );
}

function EmptyState() {
  return (
    <div className="empty-state" data-testid="empty-state">
      <div className="empty-card">
        <h2>Choose a build context</h2>
        <p>
          A folder with a Dockerfile. Slipway shows what the build will send (after <code>.dockerignore</code>) and the graph of
          its stages and steps before anything runs; then build, and watch every step: logs, cache decisions, a shell in a
          running step.
        </p>
        <ol>
          <li>Type or paste its path on the left, or Browse to it (or drop the folder on this window).</li>
          <li>Pick the Dockerfile, target and build args.</li>
          <li>Build.</li>
        </ol>
      </div>
    </div>
  );
}

/** A Dockerfile that cannot be read into a graph: the error at its line, with the text when we have it. */
function DockerfileErrorCard({ error, text, title }: { error: BridgeError; text?: string; title?: string }) {
  return (
    <div className="error-card" data-testid="dockerfile-error-card">
      <ErrorBox error={error} {...(title ? { title } : {})} />
      {text !== undefined && (
        <div className="error-card-code">
          <DockerfileView text={text} error={error} />
        </div>
      )}
      <p className="hint">Fix the Dockerfile and press ↻ (or choose another one): the graph appears as soon as it parses.</p>
    </div>
  );
}

/**
 * The graph to draw: the selected build's, or the outline's. Until a new build reports its graph
 * (a moment after Build), the outline of the same request stands in, so the view does not flash.
 */
function useShownGraph(): BuildGraph | undefined {
  const buildId = useBuilds((s) => s.selectedBuildId);
  const buildGraph = useBuilds((s) => (buildId ? s.builds[buildId]?.graph : undefined));
  const buildFailed = useBuilds((s) => (buildId ? !!s.builds[buildId]?.error || s.builds[buildId]?.status === 'cancelled' : false));
  const request = useBuilds((s) => (buildId ? s.summaries[buildId]?.request : undefined));
  const outline = useSetup((s) => s.outline);
  const setup = useSetup(useShallow((s) => [s.context, s.dockerfile, s.target] as const));
  if (!buildId) return outline?.graph;
  if (buildGraph) return buildGraph;
  const same = request && outline && request.context === setup[0] && request.dockerfile === setup[1] && (request.target ?? '') === setup[2];
  return !buildFailed && same ? outline.graph : undefined;
}

function BuildWithoutGraph({ buildId }: { buildId: string }) {
  const status = useBuilds((s) => s.builds[buildId]?.status ?? s.summaries[buildId]?.status);
  const error = useBuilds((s) => s.builds[buildId]?.error);
  const summary = useBuilds((s) => s.summaries[buildId]);
  const text = useBuilds((s) => s.texts[buildId]?.text);
  useEffect(() => {
    if (error && summary && text === undefined) void ensureDockerfileText(summary);
  }, [error, summary, text]);
  if (error) {
    // No graph: the build stopped before its first step (the Dockerfile, or the context).
    return error.location ? (
      <DockerfileErrorCard error={{ code: 'DOCKERFILE', message: error.message, location: error.location }} text={text} />
    ) : (
      <DockerfileErrorCard error={{ code: 'INTERNAL', message: error.message }} title="The build stopped before its first step" />
    );
  }
  if (status === 'cancelled') return <div className="graph-message">Cancelled before it started.</div>;
  return <div className="graph-message">Starting the build…</div>;
}

function OutlineWithoutGraph() {
  const context = useSetup((s) => s.context);
  const summary = useSetup((s) => s.summary);
  const outlineError = useSetup((s) => s.outlineError);
  const outlineErrorText = useSetup((s) => s.outlineErrorText);
  const inspecting = useSetup((s) => s.inspecting);
  const contextError = useSetup((s) => s.contextError);
  if (!context || contextError) return <EmptyState />;
  if (inspecting || !summary) return <div className="graph-message">Reading the context…</div>;
  if (outlineError) {
    if (outlineError.code === 'DOCKERFILE') return <DockerfileErrorCard error={outlineError} {...(outlineErrorText !== null ? { text: outlineErrorText } : {})} />;
    return (
      <div className="error-card">
        <ErrorBox error={outlineError} title="Cannot read the Dockerfile" />
      </div>
    );
  }
  return <div className="graph-message">Reading the Dockerfile…</div>;
}

function GraphArea({ graph }: { graph: BuildGraph | undefined }) {
  const buildId = useBuilds((s) => s.selectedBuildId);
  const contextShown = useSetup((s) => !!s.context && !s.contextError);
  // One place in the tree for the graph, whichever it is: switching from the outline to its
  // build (same shape) neither lays out nor mounts the graph again.
  if (graph && (buildId || contextShown)) return <BuildGraphView graph={graph} />;
  return buildId ? <BuildWithoutGraph buildId={buildId} /> : <OutlineWithoutGraph />;
}

const PANEL_MIN = 360;

export function Workspace() {
  const buildId = useBuilds((s) => s.selectedBuildId);
  const stepId = useBuilds((s) => s.selectedStepId);
  const graph = useShownGraph();
  const step = stepId ? graph?.steps.find((s) => s.id === stepId) : undefined;
  const stage = step ? graph?.stages.find((s) => s.index === step.stage) : undefined;
  const [panelWidth, setPanelWidth] = useState(() => Math.max(PANEL_MIN, Math.round((window.innerWidth - 340) * 0.45)));
  const dragging = useRef(false);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !(e.target instanceof HTMLInputElement) && !(e.target as HTMLElement).closest?.('.xterm')) selectStep(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <main className="workspace">
      <ErrorBoundary where="header">{buildId ? <BuildHeader buildId={buildId} /> : <OutlineHeader />}</ErrorBoundary>
      {buildId && <PausedBanner buildId={buildId} />}
      <div className="ws-body">
        <div className="ws-graph">
          <ErrorBoundary where="graph">
            <GraphArea graph={graph} />
          </ErrorBoundary>
          {buildId && <ProfileToggle buildId={buildId} />}
        </div>
        {step && (
          <>
            <div
              className="splitter"
              onPointerDown={(e) => {
                dragging.current = true;
                e.currentTarget.setPointerCapture(e.pointerId);
              }}
              onPointerMove={(e) => {
                if (!dragging.current) return;
                const right = e.currentTarget.parentElement!.getBoundingClientRect().right;
                setPanelWidth(Math.min(Math.max(PANEL_MIN, right - e.clientX), window.innerWidth - 420));
              }}
              onPointerUp={() => (dragging.current = false)}
            />
            <div className="ws-panel" style={{ width: panelWidth }}>
              <ErrorBoundary where="step panel">
                <StepPanel step={step} buildId={buildId} stageName={stage?.name ?? stage?.key ?? ''} />
              </ErrorBoundary>
            </div>
          </>
        )}
      </div>
    </main>
  );
}
