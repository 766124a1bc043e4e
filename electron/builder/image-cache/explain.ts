import type { CacheChange, CacheDiff } from '../../../shared/events';
import { canonicalConfig } from '../image/compare';
import type { RunConfig } from '../image/config';
import type { CacheEntry } from './cache';
import { diffSourceFiles, type SourceFiles } from './source-files';

/** The step that missed: its probe config, the instruction as written, its source files. */
export interface MissedStep {
  probe: RunConfig;
  step: string;
  sources?: SourceFiles;
}

/**
 * Why a step missed the cache, in words and as data: compared with the closest earlier step on
 * the same parent image (the same instruction first, then the fewest differences, then the most
 * recent), what changed — which source files, which build args, which config fields, or the
 * instruction itself.
 */
export function explainMiss(missed: MissedStep, siblings: readonly CacheEntry[]): { reason: string; diff: CacheDiff } {
  if (siblings.length === 0) return { reason: 'no earlier build ran a step on this parent image', diff: { kind: 'new' } };
  const ranked = siblings
    .map((entry) => ({ entry, changes: differences(entry, missed) }))
    .sort(
      (a, b) =>
        Number(a.entry.step !== missed.step) - Number(b.entry.step !== missed.step) ||
        weight(a.changes) - weight(b.changes) ||
        b.entry.created - a.entry.created,
    );
  const { entry, changes } = ranked[0]!;
  const what = changes.length ? changes.map(describeChange).join('; ') : 'its cache key differs';
  const reason =
    entry.step === missed.step ? `changed since the last build: ${what}` : `no earlier build ran this instruction here (closest: "${entry.step}": ${what})`;
  return { reason, diff: { kind: 'changes', step: entry.step, created: entry.created, changes } };
}

const MAX_NAMED = 5;
const MAX_VALUE = 120;

/** The words for one change; file lists and long values are shortened (the diff has them all). */
export function describeChange(change: CacheChange): string {
  switch (change.kind) {
    case 'files': {
      if (!change.complete) return 'the source files changed (which ones is not known: per-file hashes are kept for up to 10,000 files)';
      const named = [
        ...change.changed.map((p) => `${p} changed`),
        ...change.added.map((p) => `${p} added`),
        ...change.removed.map((p) => `${p} removed`),
      ];
      if (named.length === 0) return 'the sources changed, but none of their files did (their order did)';
      const more = named.length > MAX_NAMED ? `, and ${named.length - MAX_NAMED} more` : '';
      return `the source files changed: ${named.slice(0, MAX_NAMED).join(', ')}${more}`;
    }
    case 'build-args':
      return `build arg${change.names.length > 1 ? 's' : ''} ${change.names.join(', ')} changed`;
    case 'config':
      return change.fields.map((f) => (f.field === 'Env order' ? 'the order of Env changed' : `${f.field} changed from ${clip(f.before)} to ${clip(f.after)}`)).join('; ');
    case 'command':
      return `the instruction changed from "${clip(change.before)}" to "${clip(change.after)}"`;
  }
}

function clip(text: string): string {
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

function weight(changes: readonly CacheChange[]): number {
  return changes.reduce((n, c) => n + (c.kind === 'config' ? c.fields.length : 1), 0);
}

// `#(nop) COPY [--flag=value ]... <hash> in <dest> `
const SOURCE_HASH = /^(#\(nop\) (?:COPY|ADD) (?:--\S+ )*)(\S+)( in .* )$/;
const BUILD_ARGS = /^\|(\d+)$/;

function differences(before: CacheEntry, after: MissedStep): CacheChange[] {
  const changes: CacheChange[] = [];
  const command = commandChange(before, after);
  if (command) changes.push(command);
  const fields = configChanges(before.probe, after.probe);
  if (fields.length) changes.push({ kind: 'config', fields });
  return changes;
}

function commandChange(before: CacheEntry, after: MissedStep): CacheChange | undefined {
  const cmdBefore = before.probe.Cmd ?? [];
  const cmdAfter = after.probe.Cmd ?? [];
  if (JSON.stringify(cmdBefore) === JSON.stringify(cmdAfter)) return undefined;

  // COPY/ADD: the same instruction over other source content.
  const sourcesBefore = withoutSourceHash(cmdBefore);
  const sourcesAfter = withoutSourceHash(cmdAfter);
  if (sourcesBefore !== undefined && sourcesBefore === sourcesAfter) {
    if (before.sources && after.sources) return { kind: 'files', ...diffSourceFiles(before.sources, after.sources), complete: true };
    return { kind: 'files', changed: [], added: [], removed: [], complete: false };
  }

  // RUN: the same command under other build arg values (`|N K=V... cmd`).
  const argsBefore = buildArgs(cmdBefore);
  const argsAfter = buildArgs(cmdAfter);
  if (JSON.stringify(cmdBefore.slice(argsBefore.length ? argsBefore.length + 1 : 0)) === JSON.stringify(cmdAfter.slice(argsAfter.length ? argsAfter.length + 1 : 0))) {
    const values = (args: string[]) => new Map(args.map((a) => [a.split('=', 1)[0]!, a.slice(a.indexOf('=') + 1)]));
    const a = values(argsBefore);
    const b = values(argsAfter);
    const names = [...new Set([...a.keys(), ...b.keys()])].filter((n) => a.get(n) !== b.get(n)).sort();
    return { kind: 'build-args', names };
  }

  // Otherwise the instruction: as written when the texts differ, else the command without build arg values.
  if (before.step !== after.step) return { kind: 'command', before: before.step, after: after.step };
  return { kind: 'command', before: commandText(cmdBefore), after: commandText(cmdAfter) };
}

/** The Cmd with a COPY/ADD comment's source hash blanked out, or undefined if it has none. */
function withoutSourceHash(cmd: string[]): string | undefined {
  const match = SOURCE_HASH.exec(cmd.at(-1) ?? '');
  return match ? JSON.stringify([...cmd.slice(0, -1), `${match[1]}<sources>${match[3]}`]) : undefined;
}

function buildArgs(cmd: string[]): string[] {
  const n = BUILD_ARGS.exec(cmd[0] ?? '');
  return n ? cmd.slice(1, 1 + Number(n[1])) : [];
}

/** A RUN's command as text, without the build arg values it is keyed by (they may be secrets). */
function commandText(cmd: string[]): string {
  const args = buildArgs(cmd);
  return cmd.slice(args.length ? args.length + 1 : 0).join(' ');
}

/** Fields whose values differ, the way the cache compares them (absent, null and empty are one). */
function configChanges(before: RunConfig, after: RunConfig): { field: string; before: string; after: string }[] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => f !== 'Cmd').sort();
  const changes: { field: string; before: string; after: string }[] = [];
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  for (const field of fields) {
    const canon = (value: unknown) => canonicalConfig({ [field]: value } as unknown as RunConfig);
    if (canon(b[field]) === canon(a[field])) continue;
    if (field === 'Env' && sameEntries(b[field], a[field])) {
      changes.push({ field: 'Env order', before: JSON.stringify(b[field]), after: JSON.stringify(a[field]) });
      continue;
    }
    changes.push({ field, before: JSON.stringify(b[field] ?? null), after: JSON.stringify(a[field] ?? null) });
  }
  return changes;
}

function sameEntries(x: unknown, y: unknown): boolean {
  if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
  const sorted = (list: unknown[]) => JSON.stringify(list.map(String).sort());
  return sorted(x) === sorted(y);
}
