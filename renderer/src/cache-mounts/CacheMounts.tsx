import { useCallback, useEffect, useState } from 'react';
import type { BridgeError, CacheMountInfo } from '../../../shared/contract';
import { bridge, CallError, unwrap } from '../bridge';
import { ErrorBox } from '../ui/ErrorBox';
import { formatBytes, formatTime, plural } from '../ui/format';
import './cache-mounts.css';

const asBridgeError = (err: unknown): BridgeError =>
  err instanceof CallError ? err.error : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };

/**
 * The caches `RUN --mount=type=cache` keeps between builds (engine volumes): what they hold,
 * when a build last used them, and a way to throw them away.
 */
export function CacheMountsSection() {
  const [open, setOpen] = useState(false);
  const [mounts, setMounts] = useState<CacheMountInfo[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    setBusy(true);
    setError(null);
    try {
      setMounts(await unwrap(bridge().cacheMountsList()));
    } catch (err) {
      setError(asBridgeError(err));
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    if (open) void load();
  }, [open, load]);

  const prune = async (ids?: string[]) => {
    setBusy(true);
    setError(null);
    try {
      const result = await unwrap(bridge().cacheMountsPrune(ids ? { ids } : {}));
      const kept = result.kept.length ? `; kept ${result.kept.map((k) => `${k.id} (${k.reason})`).join(', ')}` : '';
      setNotice(`Pruned ${plural(result.removed.length, 'cache')}, ${formatBytes(result.reclaimedBytes)}${kept}`);
      setMounts(await unwrap(bridge().cacheMountsList()));
    } catch (err) {
      setError(asBridgeError(err));
    } finally {
      setBusy(false);
    }
  };

  const total = (mounts ?? []).reduce((sum, m) => sum + (m.sizeBytes ?? 0), 0);
  return (
    <section className="side-section cache-mounts" data-testid="cache-mounts">
      <h3>
        <button type="button" className="link section-toggle" onClick={() => setOpen(!open)} aria-expanded={open} data-testid="cache-mounts-toggle">
          {open ? '▾' : '▸'} Cache mounts
        </button>
        {open && (
          <button type="button" className="icon" onClick={() => void load()} disabled={busy} title="Refresh" aria-label="Refresh cache mounts" data-testid="cache-mounts-refresh">
            ↻
          </button>
        )}
      </h3>
      {open && (
        <>
          {error && <ErrorBox error={error} title="Cache mounts" compact />}
          {mounts && mounts.length === 0 && <p className="hint">No cache mounts yet: RUN --mount=type=cache makes them.</p>}
          {mounts && mounts.length > 0 && (
            <>
              <ul className="cache-mount-list" data-testid="cache-mount-list">
                {mounts.map((m) => (
                  <li key={m.id} className="cache-mount" data-testid="cache-mount" data-cache-id={m.id}>
                    <div className="cache-mount-main">
                      <span className="cache-mount-id" title={m.volumes.join('\n')}>
                        {m.id}
                      </span>
                      <span className="cache-mount-sub tabular">
                        {m.sizeBytes !== undefined ? formatBytes(m.sizeBytes) : 'size unknown'}
                        {' · '}
                        {m.lastUsed ? `used ${formatTime(m.lastUsed)}` : 'not used by this Slipway'}
                        {m.volumes.length > 1 ? ` · ${m.volumes.length} instances` : ''}
                        {m.inUse ? ' · in use' : ''}
                      </span>
                    </div>
                    <button type="button" onClick={() => void prune([m.id])} disabled={busy || m.inUse} data-testid="cache-mount-prune" title={m.inUse ? 'A running step uses it' : 'Remove this cache'}>
                      Prune
                    </button>
                  </li>
                ))}
              </ul>
              <div className="cache-mount-footer">
                <span className="hint tabular">
                  {plural(mounts.length, 'cache')} · {formatBytes(total)}
                </span>
                <button type="button" className="danger" onClick={() => void prune()} disabled={busy} data-testid="cache-mounts-prune-all">
                  Prune all
                </button>
              </div>
            </>
          )}
          {notice && (
            <p className="hint" data-testid="cache-mounts-notice">
              {notice}
            </p>
          )}
        </>
      )}
    </section>
  );
}
