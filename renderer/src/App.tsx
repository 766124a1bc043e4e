import { useEffect, useState, type DragEvent } from 'react';
import { Sidebar } from './context/Sidebar';
import { EngineName } from './engines/EngineName';
import { HistoryButton, HistorySwitch } from './history/HistoryPage';
import { useEngine } from './store/engine';
import { openContext, reopenLastContext } from './store/setup';
import { checkEngine, startSync } from './store/sync';
import { ErrorBoundary } from './ui/ErrorBoundary';
import { Workspace } from './Workspace';
import './app.css';

function EnginePill() {
  const engine = useEngine((s) => s.engine);
  switch (engine.kind) {
    case 'checking':
      return <span className="pill">Docker: checking…</span>;
    case 'ready':
      return (
        <span className="pill ok" data-testid="engine-version" title={`API ${engine.info.apiVersion}, ${engine.info.os}/${engine.info.arch}`}>
          {engine.info.kind === 'podman' ? 'Podman' : 'Docker'} {engine.info.version}
          <EngineName />
        </span>
      );
    case 'unavailable':
      return (
        <span className="pill bad" data-testid="engine-unavailable-pill">
          Docker engine not running
          <EngineName />
        </span>
      );
    case 'error':
      return (
        <span className="pill bad">
          Docker: error
          <EngineName />
        </span>
      );
  }
}

function ConnectionPill() {
  const connection = useEngine((s) => s.connection);
  if (connection === 'ipc' || connection === 'open') return null;
  return (
    <span className="pill warn" data-testid="connection-pill">
      {connection === 'connecting' ? 'Connecting to Slipway…' : connection === 'waiting' ? 'Connection lost: reconnecting…' : 'Disconnected'}
    </span>
  );
}

/** No engine: say so, say what to do, keep trying (context and outline work without one). */
function EngineBanner() {
  const engine = useEngine((s) => s.engine);
  if (engine.kind !== 'unavailable' && engine.kind !== 'error') return null;
  return (
    <div className="engine-banner" role="alert" data-testid="engine-banner" data-code={engine.error.code}>
      <div>
        <strong>{engine.kind === 'unavailable' ? 'The Docker engine is not running' : 'Cannot talk to the Docker engine'}</strong>
        <div className="engine-banner-message">{engine.error.message}</div>
        <div className="engine-banner-help">
          Start Docker (Docker Desktop, or on Linux <code>sudo systemctl start docker</code>), or point <code>DOCKER_HOST</code> at a
          running engine and restart Slipway. Meanwhile you can open a context and see its graph; building waits for the engine
          (checked again every 5 seconds).
        </div>
      </div>
      <button type="button" onClick={() => void checkEngine()}>
        Check now
      </button>
    </div>
  );
}

/**
 * The path of a folder dropped on the window: Electron's preload gives a dropped File's path;
 * a browser (web mode) gets at best a file:// URI from the file manager.
 */
function droppedPath(e: DragEvent): string | null {
  const file = e.dataTransfer.files[0];
  const fromElectron = file && window.slipwayFiles?.pathForFile(file);
  if (fromElectron) return fromElectron;
  const uris = e.dataTransfer.getData('text/uri-list') || e.dataTransfer.getData('text/plain');
  const first = uris.split(/\r?\n/).find((line) => line && !line.startsWith('#'))?.trim();
  if (!first) return null;
  if (first.startsWith('file://')) {
    try {
      return decodeURIComponent(new URL(first).pathname);
    } catch {
      return null;
    }
  }
  return first.startsWith('/') ? first : null;
}

export function App() {
  const [dragOver, setDragOver] = useState(false);
  const [dropMessage, setDropMessage] = useState<string | null>(null);
  useEffect(() => startSync(), []);
  useEffect(() => reopenLastContext(), []);

  return (
    <div
      className={`app${dragOver ? ' drag-over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragOver(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragOver(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setDragOver(false);
        const path = droppedPath(e);
        if (path) {
          setDropMessage(null);
          void openContext(path);
        } else {
          setDropMessage('The dropped folder’s path is not available here: type or paste it, or use Browse.');
          setTimeout(() => setDropMessage(null), 6000);
        }
      }}
    >
      <header className="topbar">
        <span className="brand">
          <svg className="brand-mark" viewBox="0 0 24 24" aria-hidden>
            <path d="M3 15h14l-2.5 4H6z" fill="currentColor" />
            <path d="M11 3v10H5z" fill="currentColor" opacity="0.7" />
            <path d="M12 5l6 8h-6z" fill="currentColor" opacity="0.45" />
            <path d="M2 21h20" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
          </svg>
          Slipway
        </span>
        <span className="topbar-sub">Docker image builder</span>
        <div className="spacer" />
        {dropMessage && <span className="pill warn">{dropMessage}</span>}
        <ConnectionPill />
        <EnginePill />
        <HistoryButton />
      </header>
      <EngineBanner />
      <div className="app-body">
        <ErrorBoundary where="sidebar">
          <Sidebar />
        </ErrorBoundary>
        <HistorySwitch>
          <Workspace />
        </HistorySwitch>
      </div>
      {dragOver && <div className="drop-overlay">Drop a folder to use it as the build context</div>}
    </div>
  );
}
