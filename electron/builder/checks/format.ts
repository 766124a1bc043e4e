/**
 * Warnings as text, the way Docker's build tools print them: the one-line form a build shows at
 * its end, and `docker buildx build --check`'s report with the Dockerfile lines marked.
 */
import type { LineRange } from '../errors';
import type { CheckWarning } from './report';

/** A warning as events carry it (the rule's name as text). */
type Finding = { rule: string; message: string; range: LineRange };

/** `JSONArgsRecommended: JSON arguments recommended for CMD ... (line 3)` */
export function formatShort(warning: Finding): string {
  const line = warning.range.start;
  return `${warning.rule}: ${warning.message}${line > 0 ? ` (line ${line})` : ''}`;
}

/** The summary a build prints at its end (`N warnings found:` and one line each). */
export function formatBuildWarnings(warnings: readonly Finding[], color = false): string {
  if (warnings.length === 0) return '';
  const head = `${warnings.length === 1 ? '1 warning' : `${warnings.length} warnings`} found:\n`;
  return `\n ${color ? `\x1b[33m${head}\x1b[0m` : head}${warnings.map((w) => ` - ${formatShort(w)}\n`).join('')}`;
}

/** `--check`'s report: a count, then each warning (by line) with its rule, URL, message and lines. */
export function formatCheckOutput(warnings: readonly CheckWarning[], source: string, filename: string): string {
  if (warnings.length === 0) return 'Check complete, no warnings found.\n';
  const count = warnings.length === 1 ? '1 warning has been found!' : `${warnings.length} warnings have been found!`;
  const sorted = [...warnings].sort((a, b) => a.range.start - b.range.start);
  let out = `Check complete, ${count}\n`;
  for (const w of sorted) out += `\nWARNING: ${w.rule} - ${w.url}\n${w.message}\n${formatSourceExcerpt(source, filename, w.range)}`;
  return out;
}

/**
 * The lines around `range`, numbered, with `>>>` on the range's own lines: a few lines of
 * context (more for a one-line range), as BuildKit prints a source location.
 */
export function formatSourceExcerpt(source: string, filename: string, range: LineRange): string {
  const lines = source.split('\n');
  let start = range.start;
  let end = Math.max(range.start, range.end);
  if (start < 1 || start > lines.length) return '';
  end = Math.min(end, lines.length);
  const pad = start === end ? 4 : 2;
  const marked = (n: number) => n >= range.start && n <= Math.max(range.start, range.end);
  const first = start;
  // Context is added a line above and a line below per round; each round counts once more.
  for (let p = 0; p < pad; p++) {
    if (start > 1) {
      start--;
      p++;
    }
    if (end !== lines.length) {
      end++;
      p++;
    }
  }
  let out = `${filename}:${first}\n--------------------\n`;
  for (let n = start; n <= end; n++) out += ` ${String(n).padStart(3)} | ${marked(n) ? '>>>' : '   '} ${lines[n - 1]}\n`;
  return `${out}--------------------\n`;
}
