/**
 * The engine the app builds on: one of the docker CLI's contexts (`slipway:engine:contexts`), or
 * none chosen (the current one: DOCKER_HOST, DOCKER_CONTEXT or ~/.docker's). The choice goes
 * with every build request and every engine info call, and is remembered across launches.
 */
import { create } from 'zustand';
import type { BridgeError } from '../../../shared/contract';
import type { EngineContextInfo } from '../../../shared/engines';
import { bridge, unwrap } from '../bridge';
import { toBridgeError } from '../store/errors';

interface EnginesState {
  contexts: EngineContextInfo[] | null;
  /** A context name, or undefined: the current engine. */
  selected: string | undefined;
  error: BridgeError | null;
}

const CHOSEN_ENGINE = 'slipway.engine';

function remembered(): string | undefined {
  try {
    return localStorage.getItem(CHOSEN_ENGINE) ?? undefined;
  } catch {
    return undefined;
  }
}

export const useEngines = create<EnginesState>()(() => ({ contexts: null, selected: remembered(), error: null }));

/** `{ engine }` for a request when one is chosen (nothing: the current engine). */
export function engineChoice(): { engine: string } | undefined {
  const selected = useEngines.getState().selected;
  return selected ? { engine: selected } : undefined;
}

/** The contexts, read again (the user may have added one with `docker context create`). */
export async function loadContexts(): Promise<void> {
  try {
    const contexts = await unwrap(bridge().engineContexts());
    const { selected } = useEngines.getState();
    // A remembered context that is gone: back to the current engine.
    const still = selected && contexts.some((c) => c.name === selected) ? selected : undefined;
    useEngines.setState({ contexts, error: null, selected: still });
    if (still !== selected) remember(undefined);
  } catch (err) {
    useEngines.setState({ error: toBridgeError(err) });
  }
}

/** Chooses the engine for the next builds; `onChange` re-asks the engine's state (the top bar). */
export function selectEngine(name: string | undefined, onChange: () => void): void {
  if (useEngines.getState().selected === name) return;
  useEngines.setState({ selected: name });
  remember(name);
  onChange();
}

function remember(name: string | undefined): void {
  try {
    if (name) localStorage.setItem(CHOSEN_ENGINE, name);
    else localStorage.removeItem(CHOSEN_ENGINE);
  } catch {
    // not remembered, that is all
  }
}

/** The name the top bar shows for the chosen engine. */
export function engineLabel(selected: string | undefined, contexts: EngineContextInfo[] | null): string {
  return selected ?? contexts?.find((c) => c.current)?.name ?? 'default';
}
