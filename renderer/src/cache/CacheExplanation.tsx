import type { CacheChange, CacheDecision } from '../../../shared/events';
import { selectStep, useBuilds } from '../store/builds';
import { formatTime, plural } from '../ui/format';
import './cache.css';

const MAX_FILES_SHOWN = 200;

function FileList({ change }: { change: Extract<CacheChange, { kind: 'files' }> }) {
  if (!change.complete) {
    return (
      <p className="muted" data-testid="cache-files-unknown">
        The source files changed. Which ones is not known: the earlier build kept no per-file hashes (it predates them, or
        the sources held more than 10,000 files).
      </p>
    );
  }
  const rows = [
    ...change.changed.map((path) => ({ path, what: 'changed' as const })),
    ...change.added.map((path) => ({ path, what: 'added' as const })),
    ...change.removed.map((path) => ({ path, what: 'removed' as const })),
  ];
  if (rows.length === 0) return <p className="muted">The sources changed, but none of their files did: their order did.</p>;
  return (
    <div className="cache-change">
      <div className="cache-change-title">
        Source files: {[change.changed.length && `${change.changed.length} changed`, change.added.length && `${change.added.length} added`, change.removed.length && `${change.removed.length} removed`].filter(Boolean).join(', ')}
      </div>
      <ul className="cache-files" data-testid="cache-files">
        {rows.slice(0, MAX_FILES_SHOWN).map((r) => (
          <li key={`${r.what}:${r.path}`} className={`cache-file ${r.what}`} data-testid="cache-file" data-what={r.what}>
            <span className="cache-file-mark">{r.what === 'changed' ? '~' : r.what === 'added' ? '+' : '−'}</span>
            <code>{r.path}</code>
            <span className="cache-file-what">{r.what}</span>
          </li>
        ))}
        {rows.length > MAX_FILES_SHOWN && <li className="muted">and {rows.length - MAX_FILES_SHOWN} more</li>}
      </ul>
    </div>
  );
}

function Change({ change }: { change: CacheChange }) {
  switch (change.kind) {
    case 'files':
      return <FileList change={change} />;
    case 'build-args':
      return (
        <div className="cache-change" data-testid="cache-build-args">
          <div className="cache-change-title">Build args with another value</div>
          <div>
            {change.names.map((n) => (
              <code key={n} className="cache-arg">
                {n}
              </code>
            ))}
            <span className="muted"> (values are not shown: they may be secrets)</span>
          </div>
        </div>
      );
    case 'config':
      return (
        <div className="cache-change">
          <div className="cache-change-title">Config</div>
          <table className="cache-compare" data-testid="cache-config">
            <thead>
              <tr>
                <th>Field</th>
                <th>Before</th>
                <th>Now</th>
              </tr>
            </thead>
            <tbody>
              {change.fields.map((f) => (
                <tr key={f.field}>
                  <th>{f.field}</th>
                  <td>
                    <code>{f.before}</code>
                  </td>
                  <td>
                    <code>{f.after}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    case 'command':
      return (
        <div className="cache-change" data-testid="cache-command">
          <div className="cache-change-title">Instruction</div>
          <table className="cache-compare">
            <tbody>
              <tr>
                <th>Before</th>
                <td>
                  <code>{change.before}</code>
                </td>
              </tr>
              <tr>
                <th>Now</th>
                <td>
                  <code>{change.after}</code>
                </td>
              </tr>
            </tbody>
          </table>
        </div>
      );
  }
}

/** Why a step missed the cache, as a diff against the closest earlier build of it. */
export function CacheExplanation({ decision, buildId }: { decision: CacheDecision | undefined; buildId: string | null }) {
  const earlier = decision && !decision.hit && decision.diff?.kind === 'earlier-miss' ? decision.diff.stepId : undefined;
  const earlierName = useBuilds((s) => (buildId && earlier ? s.builds[buildId]?.graph?.steps.find((st) => st.id === earlier)?.name : undefined));
  if (!decision || decision.hit || !decision.diff) return null;
  const diff = decision.diff;
  let body;
  switch (diff.kind) {
    case 'new':
      body = <p>No earlier build ran a step on this parent image: the base image, or the image of the step before, is new.</p>;
      break;
    case 'no-cache':
      body = <p>The build was started with No cache: every step runs.</p>;
      break;
    case 'image-gone':
      body = (
        <p>
          An earlier build made this step&apos;s image (<code>{diff.imageId.slice(7, 19)}</code>), but it no longer exists.
        </p>
      );
      break;
    case 'earlier-miss':
      body = (
        <p data-testid="cache-earlier-miss">
          {diff.stepId ? (
            <>
              <button type="button" className="link" onClick={() => selectStep(diff.stepId!)}>
                {earlierName ?? diff.stepId}
              </button>{' '}
              missed the cache, so this step runs on a new image and cannot be cached.
            </>
          ) : (
            'An earlier step in this stage missed the cache, so this step runs on a new image and cannot be cached.'
          )}
        </p>
      );
      break;
    case 'changes':
      body = (
        <>
          <p className="muted">
            Compared with the closest earlier build of <code>{diff.step}</code> on the same parent image ({formatTime(diff.created)}
            ): {plural(diff.changes.length, 'difference')}.
          </p>
          {diff.changes.map((c, i) => (
            <Change key={i} change={c} />
          ))}
        </>
      );
      break;
  }
  return (
    <section className="cache-explanation" data-testid="cache-explanation" data-kind={diff.kind}>
      <h3>Why it missed the cache</h3>
      {body}
    </section>
  );
}
