import { useMemo, useState } from 'react';
import type { BuildSummary } from '../../../shared/contract';
import { compareBuilds, type ComparedStep, type StepChange, type StepComparison } from '../../../shared/history-compare';
import { useBuilds } from '../store/builds';
import type { BuildView } from '../store/reducer';
import { formatBytes, formatDuration, formatTime, shortId } from '../ui/format';
import { BUILD_STATUS_LABEL, STATUS_LABEL } from '../ui/status';
import type { StepStatus } from '../store/reducer';
import { closeComparison, openPastBuild } from './actions';
import { useHistory } from './store';

const CHANGE_LABEL: Record<StepChange, string> = {
  added: 'added',
  removed: 'removed',
  instruction: 'instruction',
  cache: 'cache',
  image: 'image',
  status: 'outcome',
};

function BuildCard({ side, summary, view }: { side: string; summary: BuildSummary | undefined; view: BuildView | undefined }) {
  return (
    <div className="compare-card" data-testid={`compare-${side}`}>
      <div className="compare-card-title">
        <span className="muted">{side}</span> <code>{summary?.buildId}</code>
        {summary && (
          <span className={`status-chip b-${summary.status}`}>{summary.interrupted ? 'interrupted' : (BUILD_STATUS_LABEL[summary.status] ?? summary.status)}</span>
        )}
      </div>
      {summary && (
        <div className="muted">
          {formatTime(summary.startedAt)} · <code>{summary.request.dockerfile}</code>
          {summary.request.target ? ` → ${summary.request.target}` : ''}
          {view?.durationMs !== undefined ? ` · ${formatDuration(view.durationMs)}` : ''}
          {' · '}
          <button type="button" className="link" onClick={() => void openPastBuild(summary.buildId)}>
            open
          </button>
        </div>
      )}
    </div>
  );
}

/** The instruction once, or the older one struck through above the newer when they differ. */
function InstructionCell({ before, after }: { before: ComparedStep | undefined; after: ComparedStep | undefined }) {
  const texts = [before?.step.text, after?.step.text];
  const lines = texts[0] === texts[1] ? [texts[1]] : texts;
  return (
    <td className="compare-step">
      {lines.map((text, i) =>
        text === undefined ? null : (
          <div key={i} className={lines.length === 2 ? (i === 0 ? 'before' : 'after') : ''} title={text}>
            <code>{text}</code>
          </div>
        ),
      )}
    </td>
  );
}

function outcome(side: ComparedStep | undefined): string {
  if (!side) return '';
  const status = side.facts.status;
  return STATUS_LABEL[status as StepStatus] ?? status;
}

interface PairProps {
  before: ComparedStep | undefined;
  after: ComparedStep | undefined;
  render: (s: ComparedStep) => string;
}

/** One value, or `before → after` when they differ. */
function PairValue({ before, after, render }: PairProps) {
  const a = before ? render(before) : '—';
  const b = after ? render(after) : '—';
  if (a === b) return <>{a}</>;
  return (
    <>
      <span className="before">{a}</span> → <span className="after">{b}</span>
    </>
  );
}

function Pair(props: PairProps) {
  return (
    <td className="tabular nowrap">
      <PairValue {...props} />
    </td>
  );
}

function Delta({ ms }: { ms: number | undefined }) {
  if (ms === undefined || Math.abs(ms) < 100) return null;
  return <span className={`delta ${ms > 0 ? 'slower' : 'faster'}`}>{ms > 0 ? `+${formatDuration(ms)}` : `−${formatDuration(-ms)}`}</span>;
}

function CompareRow({ row }: { row: StepComparison }) {
  const { before, after } = row;
  const cache = (s: ComparedStep) => (s.facts.status === 'cached' || s.facts.cache?.hit ? 'hit' : s.facts.cache ? 'miss' : outcome(s));
  const duration = (s: ComparedStep) => (s.facts.durationMs !== undefined ? formatDuration(s.facts.durationMs) : '—');
  return (
    <tr
      className={row.changes.length ? 'changed' : ''}
      data-testid="compare-row"
      data-change={row.changes.join(',') || 'same'}
      data-step-id={(after ?? before)?.step.id}
    >
      <td className="muted nowrap">{row.stage}</td>
      <InstructionCell before={before} after={after} />
      <Pair before={before} after={after} render={cache} />
      <Pair before={before} after={after} render={(s) => shortId(s.facts.imageId) || '—'} />
      <td className="tabular nowrap">
        <PairValue before={before} after={after} render={duration} /> <Delta ms={row.durationDeltaMs} />
      </td>
      <Pair before={before} after={after} render={(s) => (s.facts.size !== undefined ? formatBytes(s.facts.size) : '—')} />
      <td className="nowrap">
        {row.changes.length === 0 ? (
          <span className="muted">same</span>
        ) : (
          row.changes.map((c) => (
            <span key={c} className={`change change-${c}`}>
              {CHANGE_LABEL[c]}
            </span>
          ))
        )}
      </td>
    </tr>
  );
}

/** Two builds step by step: instruction, cache, image, duration, size, and what changed. */
export function CompareView({ before, after }: { before: string; after: string }) {
  const entries = useHistory((s) => s.entries);
  const left = useBuilds((s) => s.builds[before]);
  const right = useBuilds((s) => s.builds[after]);
  const [onlyChanged, setOnlyChanged] = useState(false);
  const comparison = useMemo(() => (left && right ? compareBuilds(left, right) : undefined), [left, right]);
  const summaryOf = (id: string) => entries?.find((e) => e.buildId === id);
  const rows = comparison?.rows.filter((r) => !onlyChanged || r.changes.length > 0) ?? [];
  // A past build's view is whole once its last event is in.
  const ready = left && right && left.status !== 'pending' && right.status !== 'pending';

  return (
    <div className="compare" data-testid="compare-view">
      <div className="compare-head">
        <BuildCard side="before" summary={summaryOf(before)} view={left} />
        <span className="compare-arrow">→</span>
        <BuildCard side="after" summary={summaryOf(after)} view={right} />
        <div className="spacer" />
        {comparison && (
          <span className="ws-meta" data-testid="compare-count">
            {comparison.changed === 0 ? 'no step changed' : comparison.changed === 1 ? '1 step changed' : `${comparison.changed} steps changed`}
          </span>
        )}
        <label className="check">
          <input type="checkbox" checked={onlyChanged} onChange={(e) => setOnlyChanged(e.target.checked)} data-testid="compare-only-changed" /> only
          changed
        </label>
        <button type="button" onClick={closeComparison} data-testid="compare-close">
          Back to the list
        </button>
      </div>
      {!ready ? (
        <div className="graph-message">Reading both builds…</div>
      ) : (
        <table className="history-table compare-table" data-testid="compare-table">
          <colgroup>
            <col style={{ width: 80 }} />
            <col />
            <col style={{ width: 100 }} />
            <col style={{ width: 245 }} />
            <col style={{ width: 150 }} />
            <col style={{ width: 90 }} />
            <col style={{ width: 150 }} />
          </colgroup>
          <thead>
            <tr>
              <th>Stage</th>
              <th>Instruction</th>
              <th>Cache</th>
              <th>Image</th>
              <th>Duration</th>
              <th>Size</th>
              <th>Changed</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <CompareRow key={i} row={row} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
