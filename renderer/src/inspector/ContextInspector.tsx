import { useCallback, useEffect, useState } from 'react';
import type { BridgeError } from '../../../shared/contract';
import type { ContextUsage, UsageStep, UsageWarning } from '../../../shared/context-usage';
import { bridge, unwrap } from '../bridge';
import { toBridgeError } from '../store/errors';
import { useSetup } from '../store/setup';
import { ErrorBox } from '../ui/ErrorBox';
import { formatBytes, plural } from '../ui/format';
import { UsageTree } from './UsageTree';
import './inspector.css';

function Warning({ warning, step }: { warning: UsageWarning; step: UsageStep | undefined }) {
  if (warning.kind === 'missing') {
    return (
      <li className="inspector-warning missing" data-testid="inspector-warning" data-kind="missing">
        <span className="warn-mark">!</span>
        <span>{warning.message}: the build fails on that step.</span>
      </li>
    );
  }
  const wildcard = /[*?[]/.test(warning.source);
  return (
    <li className="inspector-warning excluded" data-testid="inspector-warning" data-kind="excluded" title={warning.message}>
      <span className="warn-mark">⚠</span>
      <span>
        <code>{warning.path}</code> is referenced by {step?.kind ?? 'the step'} on line {warning.line}
        {wildcard ? (
          <>
            {' '}
            (<code>{warning.source}</code>)
          </>
        ) : null}{' '}
        but excluded by .dockerignore
        {warning.rule ? (
          <>
            {' '}
            rule <code className="rule">{warning.rule.pattern}</code> (line {warning.rule.line})
          </>
        ) : null}
        {wildcard ? ': the wildcard skips it.' : ': the build does not get it, and fails on that step.'}
      </span>
    </li>
  );
}

function InspectorBody({ usage }: { usage: ContextUsage }) {
  const [focus, setFocus] = useState<string | null>(null);
  const used = usage.files.filter((f) => f.usedBy.length).length;
  return (
    <div className="inspector-body">
      <div className="inspector-tree">
        <div className="inspector-section-head">
          Files after .dockerignore <span className="muted">· {used} of {plural(usage.files.length, 'file')} copied by a step</span>
        </div>
        {usage.truncated && <p className="hint warn">Only the first {usage.files.length} files are listed.</p>}
        <UsageTree files={usage.files} steps={usage.steps} focus={focus} buildFiles={usage.buildFiles} />
      </div>
      <div className="inspector-side">
        <section>
          <h4>
            Warnings <span className="muted">({usage.warnings.length})</span>
          </h4>
          {usage.warnings.length === 0 ? (
            <p className="muted">Every path a COPY or ADD names is in the context.</p>
          ) : (
            <ul className="inspector-warnings" data-testid="inspector-warnings">
              {usage.warnings.map((w, i) => (
                <Warning key={i} warning={w} step={usage.steps.find((s) => s.stepId === w.stepId)} />
              ))}
            </ul>
          )}
        </section>
        <section>
          <h4>Steps that read the context</h4>
          {usage.steps.length === 0 ? (
            <p className="muted">No COPY or ADD reads the context.</p>
          ) : (
            <ul className="inspector-steps" data-testid="inspector-steps">
              {usage.steps.map((s) => (
                <li key={s.stepId}>
                  <button
                    type="button"
                    className={`inspector-step${focus === s.stepId ? ' on' : ''}`}
                    onClick={() => setFocus(focus === s.stepId ? null : s.stepId)}
                    title="Highlight the files this step copies"
                    data-testid="inspector-step"
                    data-step-id={s.stepId}
                  >
                    <span className="usage-badge">{`${s.kind} L${s.line}`}</span>
                    <code className="inspector-step-text">{s.instruction}</code>
                    <span className="muted">
                      {plural(s.files, 'file')} · {formatBytes(s.bytes)}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section>
          <h4>Large files no step uses</h4>
          <p className="muted">
            {plural(usage.unused.files, 'file')} ({formatBytes(usage.unused.bytes)}) are sent with the context but copied by no step.
          </p>
          {usage.largeUnused.length > 0 ? (
            <ul className="inspector-large" data-testid="inspector-large-unused">
              {usage.largeUnused.map((f) => (
                <li key={f.path}>
                  <code>{f.path}</code>
                  <span className="tree-size">{formatBytes(f.size)}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">None over 1 MiB.</p>
          )}
        </section>
      </div>
    </div>
  );
}

/** Which COPY/ADD uses which context files, what .dockerignore hides from them, big unused files. */
export function ContextInspector({ onClose }: { onClose: () => void }) {
  const context = useSetup((s) => s.context);
  const dockerfile = useSetup((s) => s.dockerfile);
  const target = useSetup((s) => s.target);
  const args = useSetup((s) => s.args);
  const [usage, setUsage] = useState<ContextUsage | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(() => {
    if (!context) return () => {};
    let live = true;
    setLoading(true);
    setError(null);
    unwrap(bridge().contextUsage({ context, dockerfile, ...(target ? { target } : {}), buildArgs: { ...args } }))
      .then((u) => live && setUsage(u))
      .catch((err: unknown) => live && setError(toBridgeError(err)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [context, dockerfile, target, args]);

  useEffect(() => load(), [load]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div className="inspector-backdrop" onClick={onClose}>
      <div className="inspector" role="dialog" aria-label="Context inspector" data-testid="context-inspector" onClick={(e) => e.stopPropagation()}>
        <header className="inspector-head">
          <h2>Context inspector</h2>
          <span className="inspector-where" title={usage?.root ?? context ?? ''}>
            <code>{usage?.root ?? context}</code> · <code>{dockerfile}</code>
            {target ? ` → ${target}` : ''}
          </span>
          {usage && (
            <span className="muted" data-testid="inspector-summary">
              {plural(usage.steps.length, 'step')} read the context · {plural(usage.warnings.length, 'warning')}
            </span>
          )}
          <div className="spacer" />
          <button type="button" onClick={() => load()} disabled={loading} data-testid="inspector-refresh" title="Read the context and the Dockerfile again">
            {loading ? 'Reading…' : '↻ Refresh'}
          </button>
          <button type="button" className="icon close" title="Close (Esc)" onClick={onClose} data-testid="inspector-close">
            ✕
          </button>
        </header>
        {error && <ErrorBox error={error} title="Cannot inspect this context" />}
        {!usage && !error && <div className="panel-empty">Reading the context and the Dockerfile…</div>}
        {usage && <InspectorBody usage={usage} />}
      </div>
    </div>
  );
}

/** The context panel's way in: a button that opens the inspector over the workspace. */
export function InspectorButton() {
  const [open, setOpen] = useState(false);
  const ready = useSetup((s) => !!s.summary && !!s.dockerfile);
  const close = useCallback(() => setOpen(false), []);
  return (
    <>
      <div className="inspect-row">
        <button
          type="button"
          disabled={!ready}
          onClick={() => setOpen(true)}
          data-testid="context-inspect"
          title="Which step uses which file, what .dockerignore hides from them, big unused files"
        >
          Inspect usage…
        </button>
        <span className="muted">which step copies which file</span>
      </div>
      {open && <ContextInspector onClose={close} />}
    </>
  );
}
