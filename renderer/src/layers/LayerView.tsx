import { useEffect, useMemo, useState } from 'react';
import type { ChangeKind, StepLayer } from '../../../shared/layers';
import { bridge, unwrap } from '../bridge';
import { toBridgeError } from '../store/errors';
import type { StepView } from '../store/reducer';
import { formatBytes, formatTime, plural, shortId } from '../ui/format';
import { buildTree, filterTree, initiallyOpen, visibleRows, type TreeNode } from './tree';
import './layers.css';

const KINDS: readonly ChangeKind[] = ['added', 'modified', 'deleted'];
const MARK: Record<ChangeKind, string> = { added: 'A', modified: 'M', deleted: 'D' };
/** Rows drawn at most: a huge diff is narrowed with the filter. */
const MAX_ROWS = 3000;

/** The step's layer (dive-like): what it added, modified and deleted, as a folder tree with sizes. */
export function LayerView({ buildId, stepId, state }: { buildId: string; stepId: string; state: StepView }) {
  const [layer, setLayer] = useState<StepLayer | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Asked again when the step moves on (it commits, or comes from the cache).
  useEffect(() => {
    let live = true;
    setError(null);
    unwrap(bridge().stepLayer({ buildId, stepId })).then(
      (result) => live && setLayer(result),
      (err: unknown) => live && setError(toBridgeError(err).message),
    );
    return () => {
      live = false;
    };
  }, [buildId, stepId, state.status, state.imageId, state.layer?.size]);

  if (error) return <div className="panel-empty error-text">{error}</div>;
  if (!layer) return <div className="panel-empty">Reading the layer…</div>;
  if (!layer.available) {
    return (
      <div className="panel-empty" data-testid="layer-unavailable">
        {layer.reason}
      </div>
    );
  }
  return <LayerTree layer={layer} />;
}

function LayerTree({ layer }: { layer: Extract<StepLayer, { available: true }> }) {
  const { diff } = layer;
  const root = useMemo(() => buildTree(diff.entries), [diff]);
  const counts = useMemo(() => {
    const c: Record<ChangeKind, number> = { added: 0, modified: 0, deleted: 0 };
    for (const e of diff.entries) c[e.kind]++;
    return c;
  }, [diff]);
  const [query, setQuery] = useState('');
  const [kinds, setKinds] = useState<ReadonlySet<ChangeKind>>(new Set(KINDS));
  const [open, setOpen] = useState<ReadonlySet<string>>(() => initiallyOpen(root));
  useEffect(() => setOpen(initiallyOpen(root)), [root]);

  const filtering = query.trim() !== '' || kinds.size < KINDS.length;
  const shown = useMemo(() => (filtering ? filterTree(root, query, kinds) : root) ?? root, [root, query, kinds, filtering]);
  const rows = useMemo(() => visibleRows(shown, open, filtering, MAX_ROWS + 1), [shown, open, filtering]);

  const toggleKind = (kind: ChangeKind) =>
    setKinds((current) => {
      const next = new Set(current);
      if (next.has(kind) && next.size > 1) next.delete(kind);
      else next.add(kind);
      return next;
    });
  const toggleOpen = (node: TreeNode) =>
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(node.path)) next.delete(node.path);
      else next.add(node.path);
      return next;
    });

  return (
    <div className="layer-view" data-testid="layer-view">
      <div className="layer-summary">
        <span className="layer-size" data-testid="layer-size" title="What this step's layer adds to the image">
          +{formatBytes(diff.layerSize)}
        </span>
        {KINDS.map((kind) => (
          <button
            key={kind}
            type="button"
            className={`layer-kind-toggle kind-${kind}${kinds.has(kind) ? ' on' : ''}`}
            onClick={() => toggleKind(kind)}
            title={kinds.has(kind) ? `Hide ${kind} paths` : `Show ${kind} paths`}
            data-testid={`layer-kind-${kind}`}
          >
            {counts[kind].toLocaleString()} {kind}
          </button>
        ))}
        <div className="spacer" />
        <input
          type="search"
          placeholder="Filter paths"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="layer-filter"
          aria-label="Filter paths"
        />
      </div>
      {(layer.source === 'cache' || diff.truncated || diff.unsized > 0) && (
        <div className="layer-notes">
          {layer.source === 'cache' && (
            <div data-testid="layer-from-cache">
              From cache: this diff was recorded when image <code>{shortId(layer.imageId)}</code> was built ({formatTime(layer.recordedAt)}).
            </div>
          )}
          {diff.truncated && <div>The step changed more paths than are kept: only the first {plural(diff.entries.length, 'path')} are listed.</div>}
          {diff.unsized > 0 && <div>Sizes omitted for {plural(diff.unsized, 'file')} (big step: only the first files are measured).</div>}
        </div>
      )}
      <div className="layer-tree" data-testid="layer-tree" role="tree">
        {diff.entries.length === 0 && <div className="panel-empty">This step changed no files: its layer is empty.</div>}
        {diff.entries.length > 0 && rows.length === 0 && <div className="panel-empty">No path matches the filter.</div>}
        {rows.slice(0, MAX_ROWS).map(({ node, depth }) => {
          const folder = node.children.length > 0;
          const isOpen = filtering || open.has(node.path);
          return (
            <div
              key={node.path}
              className={`layer-row${node.kind ? ` kind-${node.kind}` : ' kind-none'}`}
              style={{ paddingLeft: 8 + depth * 16 }}
              role="treeitem"
              aria-expanded={folder ? isOpen : undefined}
              data-testid="layer-row"
              data-path={node.path}
              data-kind={node.kind ?? ''}
              onClick={folder && !filtering ? () => toggleOpen(node) : undefined}
              title={node.path}
            >
              <span className="layer-caret">{folder ? (isOpen ? '▾' : '▸') : ''}</span>
              <span className="layer-mark">{node.kind ? MARK[node.kind] : ''}</span>
              <span className="layer-name">
                {node.name}
                {node.isDirectory ? '/' : ''}
              </span>
              {folder && <span className="layer-count muted">{node.count.toLocaleString()}</span>}
              <span className="layer-bytes tabular" data-testid="layer-row-size">
                {rowSize(node)}
              </span>
            </div>
          );
        })}
        {rows.length > MAX_ROWS && <div className="panel-empty">More paths than can be shown: narrow them with the filter.</div>}
      </div>
    </div>
  );
}

/** A file's size, a folder's total; nothing for deleted paths and empty folders; `?` when not read. */
function rowSize(node: TreeNode): string {
  if (node.children.length) return formatBytes(node.size);
  if (node.kind === 'deleted' || node.isDirectory) return '';
  return node.unsized ? '?' : formatBytes(node.size);
}
