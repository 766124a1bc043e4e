import { useMemo, useState } from 'react';
import type { BuildArgDeclaration } from '../../../shared/graph';
import { useEngine } from '../store/engine';
import {
  chooseDockerfile,
  chooseTarget,
  openContext,
  refreshOutline,
  setArg,
  setNoCache,
  setPath,
  setTags,
  startBuild,
  useSetup,
} from '../store/setup';
import { ErrorBox } from '../ui/ErrorBox';
import { formatBytes, plural } from '../ui/format';
import { BuildList } from './BuildList';
import { CacheMountsSection } from '../cache-mounts/CacheMounts';
import { BreakOnFailure } from '../debug/BreakOnFailure';
import { EnginePicker } from '../engines/EnginePicker';
import { ContextTree } from './ContextTree';
import { FolderBrowser } from './FolderBrowser';
import { InspectorButton } from '../inspector/ContextInspector';
import './context.css';
import { parseSecrets } from '../../../shared/build-request';
import { SecretsField } from './SecretsField';

function ContextSection() {
  const path = useSetup((s) => s.path);
  const inspecting = useSetup((s) => s.inspecting);
  const summary = useSetup((s) => s.summary);
  const error = useSetup((s) => s.contextError);
  const [browsing, setBrowsing] = useState(false);
  const [showTree, setShowTree] = useState(false);

  return (
    <section className="side-section">
      <h3>Context</h3>
      <form
        className="path-form"
        onSubmit={(e) => {
          e.preventDefault();
          void openContext(path);
        }}
      >
        <input
          type="text"
          value={path}
          placeholder="/path/to/your/project"
          spellCheck={false}
          onChange={(e) => setPath(e.target.value)}
          data-testid="context-path"
          aria-label="Build context folder"
        />
        <button type="submit" disabled={!path.trim() || inspecting} data-testid="context-open">
          Open
        </button>
        <button type="button" onClick={() => setBrowsing(!browsing)} data-testid="context-browse">
          Browse…
        </button>
      </form>
      {browsing && (
        <FolderBrowser
          start={path || undefined}
          onClose={() => setBrowsing(false)}
          onChoose={(chosen) => {
            setBrowsing(false);
            void openContext(chosen);
          }}
        />
      )}
      {!summary && !error && !browsing && <p className="hint">Type or paste a folder path, browse to one, or drop a folder on the window.</p>}
      {inspecting && <p className="hint">Reading the context…</p>}
      {error && <ErrorBox error={error} title="Cannot open this context" compact />}
      {summary && !inspecting && (
        <div className="context-summary" data-testid="context-summary">
          <div className="context-root" title={summary.root}>
            <span dir="ltr">{summary.root}</span>
          </div>
          <div className="context-totals">
            <span data-testid="context-totals">
              {plural(summary.files, 'file')} · {formatBytes(summary.bytes)}
            </span>
            <span className="muted"> after .dockerignore</span>
            <button type="button" className="link" onClick={() => setShowTree(!showTree)} data-testid="context-tree-toggle">
              {showTree ? 'hide files' : 'show files'}
            </button>
          </div>
          {showTree && <ContextTree tree={summary.tree} />}
          <InspectorButton />
        </div>
      )}
    </section>
  );
}

/** Same-named ARGs (a global one and a stage's) are one input. */
function mergeArgs(args: BuildArgDeclaration[]): { name: string; default?: string; scopes: string[]; line: number }[] {
  const byName = new Map<string, { name: string; default?: string; scopes: string[]; line: number }>();
  for (const a of args) {
    const entry = byName.get(a.name);
    if (entry) {
      entry.scopes.push(a.scope);
      entry.default ??= a.default;
    } else byName.set(a.name, { name: a.name, ...(a.default !== undefined ? { default: a.default } : {}), scopes: [a.scope], line: a.line });
  }
  return [...byName.values()];
}

function BuildSection() {
  const summary = useSetup((s) => s.summary);
  const dockerfile = useSetup((s) => s.dockerfile);
  const target = useSetup((s) => s.target);
  const args = useSetup((s) => s.args);
  const tags = useSetup((s) => s.tags);
  const noCache = useSetup((s) => s.noCache);
  const outline = useSetup((s) => s.outline);
  const outlineError = useSetup((s) => s.outlineError);
  const outlining = useSetup((s) => s.outlining);
  const starting = useSetup((s) => s.starting);
  const buildError = useSetup((s) => s.buildError);
  const engine = useEngine((s) => s.engine);

  // Targets and args come from the last good outline (an error keeps the form usable).
  const targets = outline?.graph.targets ?? [];
  const declared = useMemo(() => mergeArgs(outline?.buildArgs ?? []), [outline]);
  const lastStage = outline?.graph.stages.find((s) => s.index === outline.graph.target);

  // Hooks before the early return: React needs the same hooks on every render.
  const secretsError = useSetup((s) => 'error' in parseSecrets(s.secrets));

  if (!summary) return null;
  const engineReady = engine.kind === 'ready';
  const blocked = !outline
    ? outlineError
      ? 'Fix the Dockerfile to build.'
      : 'Reading the Dockerfile…'
    : !engineReady
      ? 'The Docker engine is not available.'
      : secretsError
        ? 'Fix the secrets to build.'
        : null;

  return (
    <section className="side-section">
      <h3>
        Build
        <button type="button" className="icon link" title="Read the Dockerfile again" onClick={() => void refreshOutline()} data-testid="outline-refresh">
          ↻
        </button>
      </h3>
      {summary.dockerfiles.length === 0 && (
        <p className="hint warn">No Dockerfile in this context (looked for Dockerfile, Containerfile, *.Dockerfile, Dockerfile.*).</p>
      )}
      <label className="field">
        <span>Dockerfile</span>
        <select value={dockerfile} onChange={(e) => chooseDockerfile(e.target.value)} data-testid="dockerfile-select">
          {!summary.dockerfiles.includes(dockerfile) && <option value={dockerfile}>{dockerfile}</option>}
          {summary.dockerfiles.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Target</span>
        <select value={target} onChange={(e) => chooseTarget(e.target.value)} data-testid="target-select" disabled={targets.length === 0}>
          <option value="">{target === '' && lastStage ? `last stage (${lastStage.name ?? lastStage.key})` : 'last stage'}</option>
          {targets.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      {declared.length > 0 && (
        <div className="field">
          <span>Build args</span>
          <div className="args" data-testid="build-args">
            {declared.map((a) => (
              <div className="arg" key={a.name} title={`ARG ${a.name} (line ${a.line}, ${a.scopes.join(', ')})`}>
                <label className="arg-name" htmlFor={`arg-${a.name}`}>
                  {a.name}
                </label>
                <input
                  id={`arg-${a.name}`}
                  type="text"
                  value={args[a.name] ?? ''}
                  placeholder={a.default !== undefined ? a.default || '""' : 'no default'}
                  spellCheck={false}
                  onChange={(e) => setArg(a.name, e.target.value === '' ? undefined : e.target.value)}
                  data-testid={`arg-${a.name}`}
                />
                <span className="arg-scope">{a.scopes.join(', ')}</span>
              </div>
            ))}
          </div>
        </div>
      )}
      <EnginePicker />
      <label className="field">
        <span>Tags</span>
        <input type="text" value={tags} placeholder="myapp:latest, myapp:1.2" spellCheck={false} onChange={(e) => setTags(e.target.value)} data-testid="tags" />
      </label>
      <SecretsField />
      <label className="check">
        <input type="checkbox" checked={noCache} onChange={(e) => setNoCache(e.target.checked)} data-testid="no-cache" />
        No cache <span className="muted">(run every step)</span>
      </label>
      <BreakOnFailure />
      <button
        type="button"
        className="primary build-button"
        disabled={!!blocked || starting || outlining}
        onClick={() => void startBuild()}
        data-testid="build-button"
        title={blocked ?? 'Build this Dockerfile'}
      >
        {starting ? 'Starting…' : 'Build'}
      </button>
      {blocked && (outline || outlineError) && <p className="hint warn">{blocked}</p>}
      {buildError && <ErrorBox error={buildError} title="Could not start the build" compact />}
    </section>
  );
}

export function Sidebar() {
  return (
    <div className="sidebar" data-testid="sidebar">
      <ContextSection />
      <BuildSection />
      <BuildList />
      <CacheMountsSection />
    </div>
  );
}
