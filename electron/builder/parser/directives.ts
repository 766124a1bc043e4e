// Parser directives (`# escape=`, `# syntax=`, `# check=`), recognised only in the
// unbroken run of directive lines at the very top of the file.

import { DockerfileError } from '../errors';
import { goTrimLeft } from './chars';
import type { Directives, EscapeToken } from './types';

type DirectiveName = 'escape' | 'syntax' | 'check';

const KNOWN_DIRECTIVES: ReadonlySet<string> = new Set<DirectiveName>(['escape', 'syntax', 'check']);

/** Name and `=` of `^([a-zA-Z][a-zA-Z0-9]*)\s*=`; Go's regexp `\s` is ASCII-only and has no \v. */
const NAME_AND_EQUALS = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=/;

function isRegexpSpace(ch: string | undefined): boolean {
  return ch === '\t' || ch === '\n' || ch === '\f' || ch === '\r' || ch === ' ';
}

/**
 * The value part of `\s*(.+?)\s*$`, done by hand because the lazy regex is quadratic on
 * long runs of blanks: surrounding blanks are dropped, but a value of blanks only keeps
 * its last character (the regex needs at least one).
 */
function directiveValue(afterEquals: string): string | undefined {
  if (afterEquals === '') return undefined;
  let start = 0;
  while (start < afterEquals.length && isRegexpSpace(afterEquals[start])) start++;
  if (start === afterEquals.length) return afterEquals.slice(-1);
  let end = afterEquals.length;
  while (isRegexpSpace(afterEquals[end - 1])) end--;
  return afterEquals.slice(start, end);
}

/** Splits `# name = value` into its parts, or undefined when the line has another shape. */
export function matchDirectiveLine(line: string): { name: string; value: string } | undefined {
  if (!line.startsWith('#')) return undefined;
  const body = goTrimLeft(line.slice(1));
  const head = NAME_AND_EQUALS.exec(body);
  if (!head) return undefined;
  const value = directiveValue(body.slice(head[0].length));
  if (value === undefined) return undefined;
  return { name: (head[1] ?? '').toLowerCase(), value };
}

function toEscapeToken(value: string, lineNumber: number): EscapeToken {
  if (value === '\\' || value === '`') return value;
  throw new DockerfileError(`invalid escape token '${value}' does not match \` or \\`, {
    start: lineNumber,
    end: lineNumber,
  });
}

/**
 * Feeds the file's lines in order; the first line that is not a known directive (a blank
 * line, any other comment, an instruction) ends directive processing for good.
 */
export class DirectiveScanner {
  readonly directives: Directives = { escape: '\\' };
  private done = false;
  private readonly seen = new Set<string>();

  /** `line` has its leading whitespace removed. Returns true when it was a directive. */
  scan(line: string, lineNumber: number): boolean {
    if (this.done) return false;
    const directive = matchDirectiveLine(line);
    if (!directive || !KNOWN_DIRECTIVES.has(directive.name)) {
      this.done = true;
      return false;
    }
    const { name, value } = directive;
    if (this.seen.has(name)) {
      throw new DockerfileError(`only one ${name} parser directive can be used`, {
        start: lineNumber,
        end: lineNumber,
      });
    }
    this.seen.add(name);
    if (name === 'escape') this.directives.escape = toEscapeToken(value, lineNumber);
    else if (name === 'syntax') this.directives.syntax = value;
    else this.directives.check = value;
    return true;
  }
}
