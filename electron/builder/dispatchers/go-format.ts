/** Go's fmt verbs as the classic builder uses them in `#(nop)` history texts. */
import type { HealthcheckConfig } from '../image/config';
import { goQuote } from '../parser';

/** `%q` of a []string: `["a" "b"]`. */
export function goQuoteSlice(items: readonly string[]): string {
  return `[${items.map(goQuote).join(' ')}]`;
}

/** `%q` of a time.Duration in nanoseconds: its String() quoted, e.g. `"1m30s"`. */
function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const units: [number, string][] = [[3600e9, 'h'], [60e9, 'm']];
  let rest = ns;
  let out = '';
  if (ns < 1e9) {
    if (ns < 1e3) return `${ns}ns`;
    if (ns < 1e6) return `${ns / 1e3}µs`;
    return `${ns / 1e6}ms`;
  }
  for (const [size, unit] of units) {
    if (rest >= size || out) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return `${out}${rest / 1e9}s`;
}

/** `%q` of a *HealthConfig: `&{["CMD-SHELL" "curl x"] "30s" "0s" "0s" "0s" '\x03'}`. */
export function goFormatHealthcheck(h: HealthcheckConfig): string {
  const retries = h.Retries ?? 0;
  const quotedRetries = `'${retries < 0x20 ? `\\x${retries.toString(16).padStart(2, '0')}` : String.fromCharCode(retries)}'`;
  const durations = [h.Interval, h.Timeout, h.StartPeriod, h.StartInterval].map((d) => goQuote(goDuration(d ?? 0)));
  return `&{${goQuoteSlice(h.Test ?? [])} ${durations.join(' ')} ${quotedRetries}}`;
}
