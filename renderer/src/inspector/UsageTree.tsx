import { memo, useMemo, useState } from 'react';
import type { UsageFile, UsageStep } from '../../../shared/context-usage';
import { formatBytes } from '../ui/format';

const MAX_CHILDREN = 300;
const MAX_BADGES = 3;

interface Dir {
  name: string;
  path: string;
  dirs: Map<string, Dir>;
  files: UsageFile[];
  size: number;
  count: number;
  used: number;
}

function newDir(name: string, path: string): Dir {
  return { name, path, dirs: new Map(), files: [], size: 0, count: 0, used: 0 };
}

/** Files into folders, with totals per folder: how many files, bytes, and how many a step uses. */
export function buildTree(files: readonly UsageFile[]): Dir {
  const root = newDir('.', '');
  for (const file of files) {
    const parts = file.path.split('/');
    let dir = root;
    const add = (d: Dir) => {
      d.size += file.size;
      d.count += 1;
      if (file.usedBy.length) d.used += 1;
    };
    add(dir);
    for (const [i, part] of parts.slice(0, -1).entries()) {
      let next = dir.dirs.get(part);
      if (!next) dir.dirs.set(part, (next = newDir(part, parts.slice(0, i + 1).join('/'))));
      dir = next;
      add(dir);
    }
    dir.files.push(file);
  }
  return root;
}

interface RowProps {
  steps: ReadonlyMap<string, UsageStep>;
  focus: string | null;
  /** The Dockerfile and .dockerignore: read by the build itself, not copied. */
  buildFiles: ReadonlySet<string>;
}

function Badges({ usedBy, steps, focus }: { usedBy: string[] } & Omit<RowProps, 'buildFiles'>) {
  if (usedBy.length === 0) return <span className="usage-none">unused</span>;
  return (
    <span className="usage-badges">
      {usedBy.slice(0, MAX_BADGES).map((id) => {
        const step = steps.get(id);
        return (
          <span key={id} className={`usage-badge${focus === id ? ' focus' : ''}`} title={step ? `${step.instruction} (line ${step.line}, ${step.stage})` : id} data-testid="usage-badge">
            {step ? `${step.kind} L${step.line}` : id}
          </span>
        );
      })}
      {usedBy.length > MAX_BADGES && <span className="usage-badge more">+{usedBy.length - MAX_BADGES}</span>}
    </span>
  );
}

const DirRow = memo(function DirRow({ dir, depth, initiallyOpen, ...row }: { dir: Dir; depth: number; initiallyOpen: boolean } & RowProps) {
  const [open, setOpen] = useState(initiallyOpen);
  const dirs = [...dir.dirs.values()].sort((a, b) => a.name.localeCompare(b.name));
  const files = dir.files.slice().sort((a, b) => a.path.localeCompare(b.path));
  const shown = open ? [...dirs.map((d) => ({ dir: d })), ...files.map((f) => ({ file: f }))] : [];
  return (
    <li>
      <div className={`tree-row dir${dir.used === 0 ? ' unused' : ''}`} style={{ paddingLeft: 6 + depth * 14 }} onClick={() => setOpen(!open)} data-testid="usage-dir" data-path={dir.path}>
        <span className="tree-toggle">{open ? '▾' : '▸'}</span>
        <span className="tree-name">{dir.name}</span>
        <span className="usage-count">
          {dir.used}/{dir.count} used
        </span>
        <span className="tree-size">{formatBytes(dir.size)}</span>
      </div>
      {shown.length > 0 && (
        <ul>
          {shown.slice(0, MAX_CHILDREN).map((item) =>
            'dir' in item ? (
              <DirRow key={`d:${item.dir.name}`} dir={item.dir} depth={depth + 1} initiallyOpen={false} {...row} />
            ) : (
              <FileRow key={`f:${item.file.path}`} file={item.file} depth={depth + 1} {...row} />
            ),
          )}
          {shown.length > MAX_CHILDREN && (
            <li className="tree-more muted" style={{ paddingLeft: 20 + (depth + 1) * 14 }}>
              and {shown.length - MAX_CHILDREN} more
            </li>
          )}
        </ul>
      )}
    </li>
  );
});

function FileRow({ file, depth, steps, focus, buildFiles }: { file: UsageFile; depth: number } & RowProps) {
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  const focused = focus !== null && file.usedBy.includes(focus);
  return (
    <li>
      <div
        className={`tree-row${file.usedBy.length ? '' : ' unused'}${focused ? ' focused' : ''}`}
        style={{ paddingLeft: 6 + depth * 14 }}
        data-testid="usage-file"
        data-path={file.path}
        data-used-by={file.usedBy.join(' ')}
      >
        <span className="tree-toggle" />
        <span className="tree-name" title={file.path}>
          {name}
        </span>
        {buildFiles.has(file.path) && file.usedBy.length === 0 ? (
          <span className="usage-build-file">read by the build</span>
        ) : (
          <Badges usedBy={file.usedBy} steps={steps} focus={focus} />
        )}
        <span className="tree-size">{formatBytes(file.size)}</span>
      </div>
    </li>
  );
}

/** The context after .dockerignore, each file with the COPY/ADD steps that copy it. */
export function UsageTree({ files, steps, focus, buildFiles }: { files: readonly UsageFile[]; steps: readonly UsageStep[]; focus: string | null; buildFiles: readonly string[] }) {
  const tree = useMemo(() => buildTree(files), [files]);
  const build = useMemo(() => new Set(buildFiles), [buildFiles]);
  const byId = useMemo(() => new Map(steps.map((s) => [s.stepId, s])), [steps]);
  const dirs = [...tree.dirs.values()].sort((a, b) => a.name.localeCompare(b.name));
  const top = tree.files.slice().sort((a, b) => a.path.localeCompare(b.path));
  // Small contexts open their first level, so the badges are seen at once.
  const openFirst = tree.count <= 200;
  if (dirs.length + top.length === 0) return <div className="muted tree-empty">Nothing (everything is ignored?)</div>;
  return (
    <ul className="context-tree usage-tree" data-testid="usage-tree">
      {dirs.slice(0, MAX_CHILDREN).map((d) => (
        <DirRow key={`d:${d.name}`} dir={d} depth={0} initiallyOpen={openFirst} steps={byId} focus={focus} buildFiles={build} />
      ))}
      {top.slice(0, MAX_CHILDREN).map((f) => (
        <FileRow key={`f:${f.path}`} file={f} depth={0} steps={byId} focus={focus} buildFiles={build} />
      ))}
    </ul>
  );
}
