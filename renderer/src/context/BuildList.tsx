import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { selectBuild, sortedSummaries, useBuilds } from '../store/builds';
import { useSetup } from '../store/setup';
import { formatDuration, formatTime } from '../ui/format';
import { BUILD_STATUS_LABEL } from '../ui/status';

function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

/** The builds of this session, newest first, and the outline of what is set up. */
export function BuildList() {
  const summaries = useBuilds((s) => s.summaries);
  const selected = useBuilds((s) => s.selectedBuildId);
  // Status and duration only: log batches must not re-render the list.
  const states = useBuilds(
    useShallow((s) => Object.fromEntries(Object.entries(s.builds).map(([id, b]) => [id, `${b.status}|${b.durationMs ?? ''}`]))),
  );
  const hasOutline = useSetup((s) => s.outline !== null || s.outlineError !== null);
  const list = useMemo(() => sortedSummaries(summaries), [summaries]);

  return (
    <section className="side-section builds">
      <h3>Builds</h3>
      <ul className="build-list" data-testid="build-list">
        {hasOutline && (
          <li>
            <button type="button" className={`build-item${selected === null ? ' active' : ''}`} onClick={() => selectBuild(null)} data-testid="outline-item">
              <span className="build-dot outline" />
              <span className="build-main">
                <span className="build-title">Outline</span>
                <span className="build-sub">the Dockerfile as it is now, not built</span>
              </span>
            </button>
          </li>
        )}
        {list.map((s) => {
          const [viewStatus, duration] = (states[s.buildId] ?? '').split('|');
          const status = !viewStatus || viewStatus === 'pending' ? s.status : viewStatus;
          return (
            <li key={s.buildId}>
              <button
                type="button"
                className={`build-item${selected === s.buildId ? ' active' : ''}`}
                onClick={() => selectBuild(s.buildId)}
                data-testid="build-item"
                data-build-id={s.buildId}
                data-status={status}
              >
                <span className={`build-dot b-${status}`} />
                <span className="build-main">
                  <span className="build-title">
                    {baseName(s.request.context)} · {s.request.dockerfile}
                    {s.request.target ? ` → ${s.request.target}` : ''}
                  </span>
                  <span className="build-sub">
                    {BUILD_STATUS_LABEL[status] ?? status} · {formatTime(s.startedAt)}
                    {duration ? ` · ${formatDuration(Number(duration))}` : ''}
                    {s.retryOf ? ' · retry' : ''}
                  </span>
                </span>
              </button>
            </li>
          );
        })}
        {list.length === 0 && !hasOutline && <li className="hint">No builds yet.</li>}
      </ul>
    </section>
  );
}
