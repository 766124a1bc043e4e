/**
 * A layer diff as a folder tree (pure): nodes from the diff's paths, directory sizes summed from
 * what is below them, a filter by text and change kind, and the rows to draw for what is open.
 */
import type { ChangeKind, LayerEntry } from '../../../shared/layers';

export interface TreeNode {
  name: string;
  path: string;
  /** Undefined for a folder the diff does not list itself (only what is below it). */
  kind?: ChangeKind;
  isDirectory: boolean;
  /** A file's bytes, or the sum of the known sizes below a directory. */
  size: number;
  /** Changed paths at or below this node. */
  count: number;
  /** A file whose size was not read (big steps). */
  unsized?: boolean;
  children: TreeNode[];
}

export interface TreeRow {
  node: TreeNode;
  depth: number;
}

export function buildTree(entries: readonly LayerEntry[]): TreeNode {
  const root: TreeNode = { name: '/', path: '/', isDirectory: true, size: 0, count: 0, children: [] };
  const index = new Map<string, TreeNode>([['/', root]]);
  const nodeAt = (path: string): TreeNode => {
    const known = index.get(path);
    if (known) return known;
    const cut = path.lastIndexOf('/');
    const parent = nodeAt(cut <= 0 ? '/' : path.slice(0, cut));
    const node: TreeNode = { name: path.slice(cut + 1), path, isDirectory: false, size: 0, count: 0, children: [] };
    parent.children.push(node);
    parent.isDirectory = true;
    index.set(path, node);
    return node;
  };
  for (const entry of entries) {
    const node = nodeAt(entry.path);
    node.kind = entry.kind;
    node.size = entry.size ?? 0;
    if (entry.size === undefined && entry.kind !== 'deleted' && !entry.isDirectory) node.unsized = true;
    if (entry.isDirectory) node.isDirectory = true;
  }
  total(root);
  return root;
}

/** Sums sizes and counts bottom-up, and sorts children by name. */
function total(node: TreeNode): void {
  if (node.children.length === 0) {
    node.count = node.kind ? 1 : 0;
    return;
  }
  node.children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let size = 0;
  let count = node.kind && node.path !== '/' ? 1 : 0;
  for (const child of node.children) {
    total(child);
    size += child.size;
    count += child.count;
  }
  node.size = size;
  node.count = count;
}

/**
 * The nodes whose path contains `query` (case-insensitive) and whose kind is one of `kinds`,
 * with their folders; everything below a folder that matches the text, of those kinds.
 */
export function filterTree(node: TreeNode, query: string, kinds: ReadonlySet<ChangeKind>, matchedAbove = false): TreeNode | undefined {
  const q = query.trim().toLowerCase();
  const matched = matchedAbove || !q || node.path.toLowerCase().includes(q);
  const children = node.children.flatMap((c) => filterTree(c, q, kinds, matched) ?? []);
  if (children.length) return children.length === node.children.length ? node : { ...node, children };
  const leaf = node.children.length === 0;
  if (leaf && matched && node.kind && kinds.has(node.kind)) return node;
  return node.path === '/' ? { ...node, children: [] } : undefined;
}

/** Rows to draw: the root's children, and below every open folder its children. */
export function visibleRows(root: TreeNode, open: ReadonlySet<string>, openAll = false, limit = Infinity): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (node: TreeNode, depth: number) => {
    for (const child of node.children) {
      if (rows.length >= limit) return;
      rows.push({ node: child, depth });
      if (child.children.length && (openAll || open.has(child.path))) walk(child, depth + 1);
    }
  };
  walk(root, 0);
  return rows;
}

/** Folders open at first: all of them for a small diff, else the top level's. */
export function initiallyOpen(root: TreeNode, smallDiff = 200): Set<string> {
  const open = new Set<string>();
  const small = root.count <= smallDiff;
  const walk = (node: TreeNode, depth: number) => {
    for (const child of node.children) {
      if (!child.children.length) continue;
      if (small || depth === 0) open.add(child.path);
      if (small) walk(child, depth + 1);
    }
  };
  walk(root, 0);
  return open;
}
