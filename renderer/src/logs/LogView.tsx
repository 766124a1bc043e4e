import { useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { allLines, emptyLog, lineAt, lineCount, type LogBuffer, type LogLine } from '../store/logs';
import { plural } from '../ui/format';
import { plainText, segments, type Segment } from './ansi';
import './logs.css';

const LINE_HEIGHT = 18;
const EMPTY = emptyLog();

type Filter = 'all' | 'stdout' | 'stderr';

interface Props {
  log: LogBuffer | undefined;
  /** For the saved file's name. */
  fileName: string;
  /** What to say when there is no output. */
  emptyText: string;
}

function highlight(parts: Segment[], query: string): ReactNode[] {
  const out: ReactNode[] = [];
  parts.forEach((part, p) => {
    if (!query) {
      out.push(part.style ? <span key={p} style={part.style}>{part.text}</span> : part.text);
      return;
    }
    const lower = part.text.toLowerCase();
    let at = 0;
    const pieces: ReactNode[] = [];
    for (let i = lower.indexOf(query); i !== -1; i = lower.indexOf(query, i + query.length)) {
      if (i > at) pieces.push(part.text.slice(at, i));
      pieces.push(<mark key={i}>{part.text.slice(i, i + query.length)}</mark>);
      at = i + query.length;
    }
    if (at < part.text.length) pieces.push(part.text.slice(at));
    out.push(
      <span key={p} style={part.style}>
        {pieces}
      </span>,
    );
  });
  return out;
}

/** A step's log: virtualised (only visible lines are in the DOM), ANSI colours, search, follow. */
export function LogView({ log, fileName, emptyText }: Props) {
  const buffer = log ?? EMPTY;
  const [filter, setFilter] = useState<Filter>('all');
  const [query, setQuery] = useState('');
  const [follow, setFollow] = useState(true);
  const [current, setCurrent] = useState(0);
  const [notice, setNotice] = useState('');
  const scrollRef = useRef<HTMLDivElement>(null);

  // Which lines are rows (a stream filter hides the others).
  const rows = useMemo(() => {
    if (filter === 'all') return null;
    const out: number[] = [];
    const n = lineCount(buffer);
    for (let i = 0; i < n; i++) if (lineAt(buffer, i)!.stream === filter) out.push(i);
    return out;
  }, [buffer, filter]);
  const count = rows ? rows.length : lineCount(buffer);
  const lineOfRow = useCallback((row: number) => (rows ? rows[row]! : row), [rows]);

  // Search runs on a deferred copy, so typing and streaming stay responsive on big logs.
  const needle = useDeferredValue(query.trim().toLowerCase());
  const searched = useDeferredValue(buffer);
  const matches = useMemo(() => {
    if (!needle) return [];
    const out: number[] = [];
    const n = rows ? rows.length : lineCount(searched);
    for (let row = 0; row < n; row++) {
      const line = lineAt(searched, rows ? rows[row]! : row);
      if (line && plainText(line).toLowerCase().includes(needle)) out.push(row);
    }
    return out;
  }, [searched, rows, needle]);

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => LINE_HEIGHT,
    overscan: 40,
  });

  // Follow: stay at the end as lines arrive.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  }, [count, follow]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < LINE_HEIGHT * 2;
    if (atEnd !== follow) setFollow(atEnd);
  };

  const jump = useCallback(
    (index: number) => {
      if (matches.length === 0) return;
      const i = ((index % matches.length) + matches.length) % matches.length;
      setCurrent(i);
      setFollow(false);
      virtualizer.scrollToIndex(matches[i]!, { align: 'center' });
    },
    [matches, virtualizer],
  );

  // A new search goes to its first match.
  useEffect(() => {
    setCurrent(0);
    if (needle && matches.length) {
      setFollow(false);
      virtualizer.scrollToIndex(matches[0]!, { align: 'center' });
    }
    // Only when the query changes, not when matches grow with the log.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [needle]);

  const text = () => {
    const out: string[] = [];
    for (const line of allLines(buffer)) out.push(plainText(line));
    return out.join('\n') + (out.length ? '\n' : '');
  };

  const flash = (message: string) => {
    setNotice(message);
    setTimeout(() => setNotice(''), 2500);
  };

  const copy = async () => {
    const all = text();
    try {
      await navigator.clipboard.writeText(all);
    } catch {
      const area = document.createElement('textarea');
      area.value = all;
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    flash(`Copied ${plural(lineCount(buffer), 'line')}`);
  };

  const save = () => {
    const url = URL.createObjectURL(new Blob([text()], { type: 'text/plain;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${fileName.replace(/[^A-Za-z0-9_.-]+/g, '_')}.log`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    flash('Saved');
  };

  const currentRow = matches[current];
  const items = virtualizer.getVirtualItems();
  const total = lineCount(buffer);

  // Wide enough for the largest line number.
  const gutter = `${String(buffer.dropped + total).length + 2}ch`;

  return (
    <div className="log-view" data-testid="log-view" style={{ ['--log-gutter' as string]: gutter }}>
      <div className="log-toolbar">
        <div className="segmented" role="group" aria-label="Streams">
          {(['all', 'stdout', 'stderr'] as const).map((f) => (
            <button key={f} className={filter === f ? 'active' : ''} onClick={() => setFilter(f)} type="button">
              {f}
            </button>
          ))}
        </div>
        <div className="log-search">
          <input
            type="search"
            placeholder="Search log"
            value={query}
            data-testid="log-search"
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') jump(e.shiftKey ? current - 1 : current + 1);
              if (e.key === 'Escape') setQuery('');
            }}
          />
          {needle && (
            <span className="log-search-count" data-testid="log-search-count">
              {matches.length ? `${current + 1}/${matches.length}` : 'no match'}
            </span>
          )}
          <button type="button" className="icon" title="Previous match (Shift+Enter)" disabled={!matches.length} onClick={() => jump(current - 1)}>
            ↑
          </button>
          <button type="button" className="icon" title="Next match (Enter)" disabled={!matches.length} onClick={() => jump(current + 1)}>
            ↓
          </button>
        </div>
        {notice && <span className="log-notice">{notice}</span>}
        <button
          type="button"
          className={`toggle${follow ? ' on' : ''}`}
          title="Keep the newest line in view"
          data-testid="log-follow"
          aria-pressed={follow}
          onClick={() => setFollow(!follow)}
        >
          Follow
        </button>
        <button type="button" onClick={() => void copy()} disabled={!total} title="Copy the whole log (colours removed)">
          Copy
        </button>
        <button type="button" onClick={save} disabled={!total} title="Save the log as a file">
          Save
        </button>
      </div>
      {buffer.dropped > 0 && (
        <div className="log-dropped" data-testid="log-dropped">
          {plural(buffer.dropped, 'earlier line')} not kept in memory (the last {buffer.limit.toLocaleString()} lines are shown)
        </div>
      )}
      <div className="log-scroll" ref={scrollRef} onScroll={onScroll}>
        {count === 0 ? (
          <div className="log-empty">{total === 0 ? emptyText : `No ${filter} output`}</div>
        ) : (
          <div className="log-lines" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((item) => {
              const index = lineOfRow(item.index);
              const line = lineAt(buffer, index) as LogLine;
              return (
                <div
                  key={item.key}
                  className={`log-line ${line.stream}${item.index === currentRow ? ' current' : ''}`}
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  <span className="log-ln">{buffer.dropped + index + 1}</span>
                  <span className="log-text">{highlight(segments(line), needle)}</span>
                </div>
              );
            })}
          </div>
        )}
      </div>
      <div className="log-status">
        {plural(total, 'line')}
        {rows && ` · ${plural(rows.length, filter + ' line')}`}
      </div>
    </div>
  );
}
