import { useEffect } from 'react';
import { useEngine } from '../store/engine';
import { checkEngine } from '../store/sync';
import { ErrorBox } from '../ui/ErrorBox';
import { loadContexts, selectEngine, useEngines } from './store';
import './engines.css';

/** The Build section's engine: the current one, or any docker context (each with its host). */
export function EnginePicker() {
  const contexts = useEngines((s) => s.contexts);
  const selected = useEngines((s) => s.selected);
  const error = useEngines((s) => s.error);
  useEffect(() => {
    void loadContexts();
  }, []);

  const current = contexts?.find((c) => c.current);
  const shown = contexts?.find((c) => c.name === (selected ?? current?.name));
  return (
    <div className="field engine-field">
      <label htmlFor="engine-select">Engine</label>
      <div className="engine-picker">
        <select
          id="engine-select"
          value={selected ?? ''}
          onChange={(e) =>
            selectEngine(e.target.value || undefined, () => {
              useEngine.setState({ engine: { kind: 'checking' } });
              void checkEngine();
            })
          }
          data-testid="engine-select"
          title="The Docker engine this build runs on (docker contexts)"
        >
          <option value="">{current ? `current (${current.name})` : 'current'}</option>
          {contexts?.map((c) => (
            <option key={c.name} value={c.name} disabled={!!c.error} title={c.error ?? c.description ?? c.host}>
              {c.name}
              {c.error ? ' (cannot be used)' : ''}
            </option>
          ))}
        </select>
        <button type="button" className="icon link" title="Read the docker contexts again" onClick={() => void loadContexts()} data-testid="engine-refresh">
          ↻
        </button>
      </div>
      {shown && (
        <span className="engine-host" data-testid="engine-host" title={shown.description ?? shown.host}>
          {shown.host}
        </span>
      )}
      {error && <ErrorBox error={error} title="Cannot list the docker contexts" compact />}
    </div>
  );
}
