import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { BuildSummary } from '../../../shared/contract';
import { cacheRatio } from '../../../shared/history';
import { bridge } from '../bridge';
import { useBuilds } from '../store/builds';
import { ErrorBoundary } from '../ui/ErrorBoundary';
import { ErrorBox } from '../ui/ErrorBox';
import { formatDuration, formatTime } from '../ui/format';
import { BUILD_STATUS_LABEL } from '../ui/status';
import {
  comparePicked,
  deleteBuild,
  dismissNotice,
  exportBuild,
  hideHistory,
  importRecordFile,
  loadHistory,
  noteSummary,
  openPastBuild,
  pick,
  showHistory,
} from './actions';
import { CompareView } from './CompareView';
import { useHistory } from './store';
import './history.css';

function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

/** The top bar's way in and out of the history. */
export function HistoryButton() {
  const shown = useHistory((s) => s.shown);
  return (
    <button
      type="button"
      className={`toggle${shown ? ' on' : ''}`}
      onClick={() => (shown ? hideHistory() : showHistory())}
      data-testid="history-button"
      title="Every build on record: reopen, compare, export, import"
    >
      History
    </button>
  );
}

/** The history page in place of the workspace while it is shown. */
export function HistorySwitch({ children }: { children: ReactNode }) {
  const shown = useHistory((s) => s.shown);
  // Choosing a build elsewhere (the sidebar, a new build) shows it: the page steps aside.
  const selected = useBuilds((s) => s.selectedBuildId);
  const lastSelected = useRef(selected);
  useEffect(() => {
    const previous = lastSelected.current;
    lastSelected.current = selected;
    // Deleting the selected build deselects it: that is no reason to leave.
    const deleted = selected === null && previous !== null && !useBuilds.getState().summaries[previous];
    if (previous !== selected && !deleted && useHistory.getState().shown) hideHistory();
  }, [selected]);
  if (!shown) return <>{children}</>;
  return (
    <ErrorBoundary where="history">
      <HistoryPage />
    </ErrorBoundary>
  );
}

function Result({ summary }: { summary: BuildSummary }) {
  const label = summary.interrupted ? 'interrupted' : (BUILD_STATUS_LABEL[summary.status] ?? summary.status);
  return (
    <span className={`status-chip b-${summary.status}`} data-testid="history-result" title={summary.interrupted ? 'Slipway stopped while this build ran' : undefined}>
      {label}
    </span>
  );
}

function CacheCell({ summary }: { summary: BuildSummary }) {
  const ratio = cacheRatio(summary.steps);
  if (!summary.steps || ratio === undefined) return <span className="muted">—</span>;
  const { cached, built } = summary.steps;
  return (
    <span className="cache-cell" title={`${cached} of ${cached + built} steps from the cache`}>
      <span className="cache-bar">
        <span style={{ width: `${Math.round(ratio * 100)}%` }} />
      </span>
      <span className="tabular">
        {cached}/{cached + built}
      </span>
    </span>
  );
}

function Row({ summary, picked }: { summary: BuildSummary; picked: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const running = summary.status === 'running';
  const duration = summary.durationMs;
  return (
    <tr data-testid="history-row" data-build-id={summary.buildId} data-status={summary.status} className={picked ? 'picked' : ''}>
      <td>
        <input
          type="checkbox"
          checked={picked}
          onChange={() => pick(summary.buildId)}
          aria-label={`Pick build ${summary.buildId} to compare`}
          data-testid="history-pick"
        />
      </td>
      <td className="tabular nowrap">{formatTime(summary.startedAt)}</td>
      <td className="path" title={summary.request.context}>
        {baseName(summary.request.context)}
      </td>
      <td>
        <code>{summary.request.dockerfile}</code>
      </td>
      <td>{summary.request.target ?? <span className="muted">last stage</span>}</td>
      <td className="nowrap">
        <Result summary={summary} />
        {summary.imported && (
          <span className="tag" title={`Imported ${formatTime(summary.imported.at)} (build ${summary.imported.from} where it ran)`}>
            imported
          </span>
        )}
        {summary.retryOf && <span className="tag">retry</span>}
      </td>
      <td className="tabular nowrap">{duration !== undefined ? formatDuration(duration) : running ? 'running' : '—'}</td>
      <td>
        <CacheCell summary={summary} />
      </td>
      <td className="actions">
        <button type="button" onClick={() => void openPastBuild(summary.buildId)} data-testid="history-open">
          Open
        </button>
        <button type="button" disabled={running} onClick={() => void exportBuild(summary.buildId)} data-testid="history-export" title="Save this build's record as a file">
          Export
        </button>
        {confirming ? (
          <>
            <button type="button" className="danger" onClick={() => void deleteBuild(summary.buildId)} data-testid="history-delete-confirm">
              Delete
            </button>
            <button type="button" className="link" onClick={() => setConfirming(false)}>
              keep
            </button>
          </>
        ) : (
          <button type="button" className="icon" disabled={running} onClick={() => setConfirming(true)} data-testid="history-delete" title="Delete this build's record">
            ✕
          </button>
        )}
      </td>
    </tr>
  );
}

export function HistoryPage() {
  const entries = useHistory((s) => s.entries);
  const loading = useHistory((s) => s.loading);
  const error = useHistory((s) => s.error);
  const notice = useHistory((s) => s.notice);
  const picked = useHistory((s) => s.picked);
  const comparing = useHistory((s) => s.comparing);
  const importing = useHistory((s) => s.importing);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => bridge().onBuildSummary(noteSummary), []);

  return (
    <main className="workspace history-page" data-testid="history-page">
      <div className="ws-header">
        <span className="ws-title">History</span>
        {entries && <span className="ws-meta">{entries.length === 1 ? '1 build' : `${entries.length} builds`}</span>}
        {loading && <span className="ws-meta">reading…</span>}
        <div className="spacer" />
        {!comparing && (
          <button
            type="button"
            className="primary"
            disabled={picked.length !== 2}
            onClick={comparePicked}
            data-testid="history-compare"
            title={picked.length === 2 ? 'Compare the two picked builds step by step' : 'Tick two builds to compare them'}
          >
            Compare{picked.length ? ` (${picked.length}/2)` : ''}
          </button>
        )}
        <button type="button" disabled={importing} onClick={() => fileInput.current?.click()} data-testid="history-import" title="Open a build record file exported from Slipway">
          {importing ? 'Importing…' : 'Import…'}
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          className="hidden"
          data-testid="history-import-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void importRecordFile(file);
          }}
        />
        <button type="button" className="icon" onClick={() => void loadHistory()} title="Read the history again">
          ↻
        </button>
        <button type="button" onClick={hideHistory} data-testid="history-close">
          Back to the workspace
        </button>
      </div>
      {notice && (
        <div className={`history-notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="history-notice">
          <span>{notice.text}</span>
          <button type="button" className="icon link" onClick={dismissNotice} title="Dismiss">
            ✕
          </button>
        </div>
      )}
      <div className="history-body">
        {comparing ? (
          <CompareView before={comparing[0]} after={comparing[1]} />
        ) : error ? (
          <div className="error-card">
            <ErrorBox error={error} title="Cannot read the history" />
          </div>
        ) : entries && entries.length === 0 ? (
          <div className="graph-message" data-testid="history-empty">
            No builds on record yet. Builds are kept here as they run; a record exported from another Slipway can be imported.
          </div>
        ) : (
          entries && (
            <table className="history-table" data-testid="history-table">
              <thead>
                <tr>
                  <th aria-label="Pick" />
                  <th>When</th>
                  <th>Context</th>
                  <th>Dockerfile</th>
                  <th>Target</th>
                  <th>Result</th>
                  <th>Duration</th>
                  <th>Cache</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {entries.map((s) => (
                  <Row key={s.buildId} summary={s} picked={picked.includes(s.buildId)} />
                ))}
              </tbody>
            </table>
          )
        )}
      </div>
    </main>
  );
}
