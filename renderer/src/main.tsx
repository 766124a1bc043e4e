import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { bridge } from './bridge';
import { watchConnection } from './store/sync';
import { ErrorBoundary } from './ui/ErrorBoundary';
import './app.css';

const root = createRoot(document.getElementById('root')!);

let missing: string | null = null;
try {
  bridge();
  watchConnection();
} catch (err) {
  missing = err instanceof Error ? err.message : String(err);
}

root.render(
  <StrictMode>
    {missing ? (
      <div className="fatal" role="alert">
        <h1>Slipway</h1>
        <p>{missing}</p>
      </div>
    ) : (
      <ErrorBoundary where="app">
        <App />
      </ErrorBoundary>
    )}
  </StrictMode>,
);
