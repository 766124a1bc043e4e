/**
 * The builds this renderer knows: their summaries (the list), their views (reduced from events)
 * and what is selected. Batches go through `acceptBatch`, a pure function; the store only holds
 * its result. Fetching (catch-up, gaps) lives in sync.ts.
 */
import { create } from 'zustand';
import type { BuildEventBatch, BuildSummary } from '../../../shared/contract';
import { emptyBuild, judgeBatch, reduceEvents, type BuildView, type ReduceOptions } from './reducer';

export interface DockerfileText {
  text: string;
  /** True when read from disk after the build started (it may have changed since). */
  reread: boolean;
}

export interface BuildsState {
  builds: Readonly<Record<string, BuildView>>;
  summaries: Readonly<Record<string, BuildSummary>>;
  texts: Readonly<Record<string, DockerfileText>>;
  /** null: the outline of the chosen Dockerfile (nothing built yet). */
  selectedBuildId: string | null;
  selectedStepId: string | null;
}

export const initialBuildsState: BuildsState = {
  builds: {},
  summaries: {},
  texts: {},
  selectedBuildId: null,
  selectedStepId: null,
};

export const useBuilds = create<BuildsState>()(() => initialBuildsState);

/**
 * Applies a batch to the builds (pure). Duplicates (events already applied) are skipped; a
 * batch that starts past what we have is not applied, and `gapFrom` says where to fetch from.
 */
export function acceptBatch(
  builds: Readonly<Record<string, BuildView>>,
  batch: BuildEventBatch,
  options?: ReduceOptions,
): { builds: Readonly<Record<string, BuildView>>; gapFrom?: number } {
  const current = builds[batch.buildId] ?? emptyBuild(batch.buildId);
  const verdict = judgeBatch(current.seq, batch.from, batch.events.length);
  if (verdict.kind === 'gap') return { builds, gapFrom: verdict.from };
  if (verdict.kind === 'duplicate') return { builds: builds[batch.buildId] ? builds : { ...builds, [batch.buildId]: current } };
  const events = verdict.skip ? batch.events.slice(verdict.skip) : batch.events;
  return { builds: { ...builds, [batch.buildId]: reduceEvents(current, events, options) } };
}

/** Applies a batch to the store; returns where to fetch from if events are missing. */
export function ingestBatch(batch: BuildEventBatch): number | undefined {
  let gap: number | undefined;
  useBuilds.setState((state) => {
    const result = acceptBatch(state.builds, batch);
    gap = result.gapFrom;
    return result.builds === state.builds ? state : { builds: result.builds };
  });
  return gap;
}

export function upsertSummary(summary: BuildSummary): void {
  useBuilds.setState((state) => ({ summaries: { ...state.summaries, [summary.buildId]: summary } }));
}

export function setDockerfileText(buildId: string, text: DockerfileText): void {
  useBuilds.setState((state) => (state.texts[buildId] ? state : { texts: { ...state.texts, [buildId]: text } }));
}

const SELECTED_KEY = 'slipway.selectedBuild';

export function selectBuild(buildId: string | null, stepId: string | null = null): void {
  useBuilds.setState({ selectedBuildId: buildId, selectedStepId: stepId });
  try {
    if (buildId) sessionStorage.setItem(SELECTED_KEY, buildId);
    else sessionStorage.removeItem(SELECTED_KEY);
  } catch {
    // storage unavailable: selection is just not remembered across reloads
  }
}

export function rememberedBuild(): string | null {
  try {
    return sessionStorage.getItem(SELECTED_KEY);
  } catch {
    return null;
  }
}

export function selectStep(stepId: string | null): void {
  useBuilds.setState({ selectedStepId: stepId });
}

/** Newest first. */
export function sortedSummaries(summaries: Readonly<Record<string, BuildSummary>>): BuildSummary[] {
  return Object.values(summaries).sort((a, b) => b.startedAt - a.startedAt);
}
