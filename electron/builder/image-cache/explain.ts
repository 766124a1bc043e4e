import type { RunConfig } from '../image/config';
import type { CacheEntry } from './cache';

/**
 * Why a step missed the cache, in words: compared with the closest earlier step on the same
 * parent image, what changed (the command, source files, a build arg, a config field).
 */
export function explainMiss(probe: RunConfig, step: string, siblings: CacheEntry[]): string {
  if (siblings.length === 0) return 'no earlier build ran a step on this parent image';
  const ranked = siblings
    .map((entry) => ({ entry, changes: differences(entry.probe, probe) }))
    .sort((a, b) => a.changes.length - b.changes.length || b.entry.created - a.entry.created);
  const closest = ranked[0]!;
  const sameStep = closest.entry.step === step;
  const what = closest.changes.join('; ');
  return sameStep ? `changed since the last build: ${what}` : `no earlier build ran this instruction here (closest: "${closest.entry.step}": ${what})`;
}

const SOURCE_HASH = /^#\(nop\) (?:COPY|ADD) (?:--chown=\S+ )?(\S+) in (.*) $/;
const BUILD_ARGS = /^\|(\d+)$/;

function differences(before: RunConfig, after: RunConfig): string[] {
  const changes: string[] = [];
  const cmdBefore = before.Cmd ?? [];
  const cmdAfter = after.Cmd ?? [];
  if (JSON.stringify(cmdBefore) !== JSON.stringify(cmdAfter)) changes.push(describeCmdChange(cmdBefore, cmdAfter));
  const fields: (keyof RunConfig)[] = [
    'Env', 'Entrypoint', 'Shell', 'OnBuild', 'ExposedPorts', 'Volumes', 'Labels', 'User', 'WorkingDir', 'StopSignal', 'Healthcheck',
  ];
  for (const field of fields) {
    if (JSON.stringify(before[field] ?? null) !== JSON.stringify(after[field] ?? null)) {
      changes.push(`${field} changed from ${JSON.stringify(before[field] ?? null)} to ${JSON.stringify(after[field] ?? null)}`);
    }
  }
  return changes;
}

function describeCmdChange(before: string[], after: string[]): string {
  const last = (cmd: string[]) => cmd.at(-1) ?? '';
  const copyBefore = SOURCE_HASH.exec(last(before));
  const copyAfter = SOURCE_HASH.exec(last(after));
  if (copyBefore && copyAfter && copyBefore[2] === copyAfter[2] && copyBefore[1] !== copyAfter[1]) {
    return `the source files changed (${copyBefore[1]!.slice(0, 17)}… -> ${copyAfter[1]!.slice(0, 17)}…)`;
  }
  const args = (cmd: string[]) => {
    const n = BUILD_ARGS.exec(cmd[0] ?? '');
    return n ? cmd.slice(1, 1 + Number(n[1])) : [];
  };
  const argsBefore = args(before);
  const argsAfter = args(after);
  const rest = (cmd: string[], n: number) => cmd.slice(n ? n + 1 : 0);
  if (JSON.stringify(rest(before, argsBefore.length)) === JSON.stringify(rest(after, argsAfter.length))) {
    const changed = [...new Set([...argsBefore, ...argsAfter])].filter((a) => !argsBefore.includes(a) || !argsAfter.includes(a));
    const names = [...new Set(changed.map((a) => a.split('=', 1)[0]))];
    return `build arg ${names.join(', ')} changed`;
  }
  return `the command changed`;
}
