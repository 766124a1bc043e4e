import { useEffect, useMemo, useState } from 'react';
import { parentOnly, type FileChange, type StepDiff } from '../../../shared/debug';
import { bridge, unwrap } from '../bridge';
import { toBridgeError } from '../store/errors';
import { plural } from '../ui/format';

const MARK: Record<FileChange['kind'], string> = { added: 'A', modified: 'M', deleted: 'D' };

/** What a failed step changed in its container: added, modified and deleted paths. */
export function DiffList({ buildId, stepId, refreshKey }: { buildId: string; stepId: string; refreshKey: string }) {
  const [diff, setDiff] = useState<StepDiff | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showParents, setShowParents] = useState(false);

  useEffect(() => {
    let live = true;
    setError(null);
    unwrap(bridge().debugDiff({ buildId, stepId })).then(
      (d) => live && setDiff(d),
      (err: unknown) => live && setError(toBridgeError(err).message),
    );
    return () => {
      live = false;
    };
  }, [buildId, stepId, refreshKey]);

  const hidden = useMemo(() => (diff ? parentOnly(diff.changes) : new Set<string>()), [diff]);
  if (error) return <div className="diff-list muted" data-testid="debug-diff-error">{error}</div>;
  if (!diff) return <div className="diff-list muted">Reading the changes…</div>;
  const shown = diff.changes.filter((c) => showParents || !hidden.has(c.path));
  const count = (kind: FileChange['kind']) => diff.changes.filter((c) => c.kind === kind && !hidden.has(c.path)).length;

  return (
    <div className="diff-list" data-testid="debug-diff">
      <div className="diff-head">
        <strong>Files the step changed</strong>
        <span className="diff-count added">{count('added')} added</span>
        <span className="diff-count modified">{count('modified')} modified</span>
        <span className="diff-count deleted">{count('deleted')} deleted</span>
        <div className="spacer" />
        {hidden.size > 0 && (
          <label className="check">
            <input type="checkbox" checked={showParents} onChange={(e) => setShowParents(e.target.checked)} />
            {plural(hidden.size, 'parent folder')}
          </label>
        )}
      </div>
      {shown.length === 0 ? (
        <div className="muted diff-empty">No file changed before the step failed.</div>
      ) : (
        <ul className="diff-rows">
          {shown.map((c) => (
            <li key={c.path} className={`diff-row ${c.kind}`} data-testid="diff-row" data-kind={c.kind} data-path={c.path}>
              <span className="diff-mark">{MARK[c.kind]}</span>
              <span className="diff-path">{c.path}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
