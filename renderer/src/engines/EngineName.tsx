import { useEffect } from 'react';
import { engineLabel, loadContexts, useEngines } from './store';

/** The chosen engine's name, for the top bar's engine pill. */
export function EngineName() {
  const contexts = useEngines((s) => s.contexts);
  const selected = useEngines((s) => s.selected);
  useEffect(() => {
    // The name of the current context comes with the list.
    if (!useEngines.getState().contexts) void loadContexts();
  }, []);
  return (
    <span className="engine-name" data-testid="engine-name">
      {' · '}
      {engineLabel(selected, contexts)}
    </span>
  );
}
