// Exec-form detection: is the argument text a JSON array of strings, as Go's
// encoding/json would decode it into []any?

import { DockerfileError } from '../errors';
import { goTrimLeft, wellFormed } from './chars';

export const NOT_STRING_ARRAY =
  'when using JSON array syntax, arrays must be comprised of strings only';

/** encoding/json refuses input nested deeper than this. */
const MAX_NESTING_DEPTH = 10000;

/**
 * Checks what JSON.parse accepts but Go's decoder rejects, in text already known to be
 * valid JSON: nesting deeper than 10000, and numbers that overflow a float64.
 */
function goDecoderWouldFail(json: string): boolean {
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i];
    if (ch === '"') {
      for (i++; i < json.length && json[i] !== '"'; i++) if (json[i] === '\\') i++;
    } else if (ch === '[' || ch === '{') {
      if (++depth > MAX_NESTING_DEPTH) return true;
    } else if (ch === ']' || ch === '}') {
      depth--;
    } else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) {
      let end = i + 1;
      while (end < json.length && /[0-9.eE+-]/.test(json[end] ?? '')) end++;
      if (!Number.isFinite(Number(json.slice(i, end)))) return true;
      i = end - 1;
    }
  }
  return false;
}

/**
 * The array's strings when `text` (left-trimmed) is a JSON array of strings; undefined
 * when it is not JSON at all (the caller then treats it as shell form). A valid array
 * holding anything but strings is an error.
 */
export function parseJsonStringArray(text: string): string[] | undefined {
  const json = goTrimLeft(text);
  if (!json.startsWith('[')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || goDecoderWouldFail(json)) return undefined;
  const values: string[] = [];
  for (const element of parsed) {
    if (typeof element !== 'string') throw new DockerfileError(NOT_STRING_ARRAY);
    // Go decodes an unpaired \ud800 escape as U+FFFD.
    values.push(wellFormed(element));
  }
  return values;
}
