import { useEffect, useState } from 'react';
import type { EngineInfo } from '../../shared/contract';
import { bridge, unwrap } from './bridge';

type EngineState = { kind: 'loading' } | { kind: 'ready'; info: EngineInfo } | { kind: 'error'; message: string };

export function App() {
  const [engine, setEngine] = useState<EngineState>({ kind: 'loading' });
  useEffect(() => {
    unwrap(bridge().engineInfo())
      .then((info) => setEngine({ kind: 'ready', info }))
      .catch((err: unknown) => setEngine({ kind: 'error', message: err instanceof Error ? err.message : String(err) }));
  }, []);

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>Slipway</h1>
      {engine.kind === 'loading' && <p>Connecting to the Docker engine…</p>}
      {engine.kind === 'ready' && (
        <p data-testid="engine-version">
          Docker Engine {engine.info.version} (API {engine.info.apiVersion}, {engine.info.os}/{engine.info.arch})
        </p>
      )}
      {engine.kind === 'error' && (
        <p role="alert" style={{ color: '#b00020' }}>
          {engine.message}
        </p>
      )}
    </main>
  );
}
