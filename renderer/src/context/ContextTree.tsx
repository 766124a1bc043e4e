import { memo, useState } from 'react';
import type { ContextNode } from '../../../shared/contract';
import { formatBytes } from '../ui/format';

const MAX_CHILDREN = 300;

function sorted(children: ContextNode[]): ContextNode[] {
  return children.slice().sort((a, b) => Number(!!b.children) - Number(!!a.children) || a.name.localeCompare(b.name));
}

const TreeNode = memo(function TreeNode({ node, depth, open: initiallyOpen }: { node: ContextNode; depth: number; open: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  const isDir = !!node.children;
  const children = open && node.children ? sorted(node.children) : [];
  return (
    <li>
      <div className={`tree-row${isDir ? ' dir' : ''}`} style={{ paddingLeft: 6 + depth * 14 }} onClick={() => isDir && setOpen(!open)}>
        <span className="tree-toggle">{isDir ? (open ? '▾' : '▸') : ''}</span>
        <span className="tree-name">{node.name}</span>
        <span className="tree-size">{formatBytes(node.size)}</span>
      </div>
      {children.length > 0 && (
        <ul>
          {children.slice(0, MAX_CHILDREN).map((child) => (
            <TreeNode key={child.name} node={child} depth={depth + 1} open={false} />
          ))}
          {children.length > MAX_CHILDREN && (
            <li className="tree-more muted" style={{ paddingLeft: 20 + (depth + 1) * 14 }}>
              and {children.length - MAX_CHILDREN} more
            </li>
          )}
        </ul>
      )}
    </li>
  );
});

/** What the build will send: the context after .dockerignore, with sizes. */
export function ContextTree({ tree }: { tree: ContextNode }) {
  const top = sorted(tree.children ?? []);
  if (top.length === 0) return <div className="muted tree-empty">Nothing (everything is ignored?)</div>;
  return (
    <ul className="context-tree" data-testid="context-tree">
      {top.slice(0, MAX_CHILDREN).map((child) => (
        <TreeNode key={child.name} node={child} depth={0} open={false} />
      ))}
    </ul>
  );
}
