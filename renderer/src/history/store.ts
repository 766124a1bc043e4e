/**
 * The history page's state: whether it is shown, the builds on record (from main, kept up to
 * date by summary events while shown), the two picked for a comparison, and what it is doing.
 */
import { create } from 'zustand';
import type { BridgeError, BuildSummary } from '../../../shared/contract';

export interface HistoryState {
  shown: boolean;
  /** Newest first; null until first loaded. */
  entries: BuildSummary[] | null;
  loading: boolean;
  error: BridgeError | null;
  /** A line saying what just happened (an import, a deletion). */
  notice: { kind: 'ok' | 'error'; text: string } | null;
  /** Builds ticked for comparison, in the order ticked (at most two). */
  picked: string[];
  /** [older, newer] while the comparison is shown. */
  comparing: [string, string] | null;
  importing: boolean;
}

export const useHistory = create<HistoryState>()(() => ({
  shown: false,
  entries: null,
  loading: false,
  error: null,
  notice: null,
  picked: [],
  comparing: null,
  importing: false,
}));

/** Adds or replaces one entry, keeping newest first. */
export function withEntry(entries: readonly BuildSummary[], summary: BuildSummary): BuildSummary[] {
  const others = entries.filter((e) => e.buildId !== summary.buildId);
  return [...others, summary].sort((a, b) => b.startedAt - a.startedAt);
}

/** Ticks or unticks a build; a third tick replaces the oldest pick. */
export function togglePick(picked: readonly string[], buildId: string): string[] {
  if (picked.includes(buildId)) return picked.filter((id) => id !== buildId);
  return [...picked, buildId].slice(-2);
}
