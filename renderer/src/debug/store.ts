/**
 * Breakpoints in the renderer: the ones the next build starts with (step ids are stable for a
 * Dockerfile), the live ones of the running build on screen (from its request and events), and
 * the step panel's Debug tab being asked for (the paused banner's "Open shell here").
 */
import { create } from 'zustand';
import type { BuildRequest } from '../../../shared/contract';
import { bridge, unwrap } from '../bridge';
import { useBuilds, type BuildsState } from '../store/builds';
import { useSetup } from '../store/setup';

export interface DebugState {
  /** Breakpoints of the next build, for the Dockerfile they were set in (`context|dockerfile`). */
  stepIds: readonly string[];
  forDockerfile: string;
  breakOnFailure: boolean;
  /** A step whose Debug tab should show (and open its shell), once. */
  tabRequest: { stepId: string; openShell: boolean; nonce: number } | null;
}

export const useDebug = create<DebugState>()(() => ({ stepIds: [], forDockerfile: '', breakOnFailure: false, tabRequest: null }));

const NONE: readonly string[] = [];
const dockerfileKey = (s: { context: string | null; dockerfile: string }) => `${s.context ?? ''}|${s.dockerfile}`;

/** Another Dockerfile has other steps under the same ids: its breakpoints start empty. */
function nextOf(debug: DebugState, dockerfile: string): readonly string[] {
  return debug.forDockerfile === dockerfile ? debug.stepIds : NONE;
}

/** Breakpoints the next build starts with. */
export function useNextBreakpoints(): readonly string[] {
  const dockerfile = useSetup(dockerfileKey);
  return useDebug((s) => nextOf(s, dockerfile));
}

export function clearNextBreakpoints(): void {
  useDebug.setState({ stepIds: [] });
}

/** The fields a build request takes from here. */
export function debugRequestFields(): Pick<BuildRequest, 'breakpoints' | 'breakOnFailure'> {
  const { breakOnFailure } = useDebug.getState();
  const stepIds = nextOf(useDebug.getState(), dockerfileKey(useSetup.getState()));
  return { ...(stepIds.length ? { breakpoints: [...stepIds] } : {}), ...(breakOnFailure ? { breakOnFailure: true } : {}) };
}

export function setBreakOnFailure(breakOnFailure: boolean): void {
  useDebug.setState({ breakOnFailure });
}

/** The selected build's breakpoints while it runs (null: no running build is shown). */
export function liveBreakpoints(s: BuildsState): { stepIds: readonly string[]; breakOnFailure: boolean } | null {
  const id = s.selectedBuildId;
  if (!id) return null;
  const build = s.builds[id];
  const status = build?.status === 'pending' || !build ? s.summaries[id]?.status : build.status;
  if (status !== 'running') return null;
  if (build?.breakpoints) return build.breakpoints;
  const request = s.summaries[id]?.request;
  return { stepIds: request?.breakpoints ?? NONE, breakOnFailure: !!request?.breakOnFailure };
}

/** Whether the step shows a breakpoint: the running build's, else the next build's. */
export function useIsBreakpoint(stepId: string): boolean {
  const live = useBuilds((s) => {
    const bp = liveBreakpoints(s);
    return bp ? bp.stepIds.includes(stepId) : null;
  });
  const next = useNextBreakpoints().includes(stepId);
  return live ?? next;
}

/** Sets or clears a breakpoint: for the next build, and for the running build on screen. */
export async function toggleBreakpoint(stepId: string): Promise<void> {
  const builds = useBuilds.getState();
  const live = liveBreakpoints(builds);
  const dockerfile = dockerfileKey(useSetup.getState());
  const current = live ? live.stepIds : nextOf(useDebug.getState(), dockerfile);
  const next = current.includes(stepId) ? current.filter((id) => id !== stepId) : [...current, stepId];
  useDebug.setState({ stepIds: next, forDockerfile: dockerfile });
  if (live && builds.selectedBuildId) {
    await unwrap(bridge().buildBreakpoints({ buildId: builds.selectedBuildId, breakpoints: [...next], breakOnFailure: live.breakOnFailure }));
  }
}

let nonce = 0;
/** Shows the step's Debug tab (the step panel listens), opening its shell when asked. */
export function requestDebugTab(stepId: string, openShell: boolean): void {
  useDebug.setState({ tabRequest: { stepId, openShell, nonce: ++nonce } });
}
