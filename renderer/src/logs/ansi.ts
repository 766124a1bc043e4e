/**
 * ANSI colours in log lines, via anser; the plain text (escapes removed) for search, copy and
 * save. Both are computed for a line at most once (lines are immutable objects: WeakMap).
 */
import Anser from 'anser';
import type { CSSProperties } from 'react';
import type { LogLine } from '../store/logs';

export interface Segment {
  text: string;
  style?: CSSProperties;
}

// Escape sequences: CSI (colours, cursor moves), OSC (titles, links), and two-byte ones.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

const plainCache = new WeakMap<LogLine, string>();
export function plainText(line: LogLine): string {
  if (!line.text.includes('\x1b')) return line.text;
  let plain = plainCache.get(line);
  if (plain === undefined) {
    plain = line.text.replace(ESCAPES, '');
    plainCache.set(line, plain);
  }
  return plain;
}

/** anser's palette is made for black; these read better on the app's dark grey. */
const THEMED: Record<string, string> = {
  '0, 0, 0': '#6e7681',
  '187, 0, 0': '#ff7b72',
  '0, 187, 0': '#56d364',
  '187, 187, 0': '#e3b341',
  '0, 0, 187': '#79c0ff',
  '187, 0, 187': '#d2a8ff',
  '0, 187, 187': '#56d4dd',
  '255,255,255': '#e6edf3',
  '85, 85, 85': '#8b949e',
  '255, 85, 85': '#ffa198',
  '0, 255, 0': '#7ee787',
  '255, 255, 85': '#f2cc60',
  '85, 85, 255': '#a5d6ff',
  '255, 85, 255': '#e2c5ff',
  '85, 255, 255': '#b3f0ff',
  '255, 255, 255': '#ffffff',
};
const colour = (rgb: string) => THEMED[rgb] ?? `rgb(${rgb})`;

const segmentCache = new WeakMap<LogLine, Segment[]>();
export function segments(line: LogLine): Segment[] {
  if (!line.text.includes('\x1b')) return [{ text: line.text }];
  let cached = segmentCache.get(line);
  if (!cached) {
    cached = Anser.ansiToJson(line.text, { remove_empty: true }).map((entry) => {
      const style: CSSProperties = {};
      if (entry.fg) style.color = colour(entry.fg);
      if (entry.bg) style.backgroundColor = colour(entry.bg);
      for (const decoration of entry.decorations) {
        if (decoration === 'bold') style.fontWeight = 700;
        else if (decoration === 'dim') style.opacity = 0.65;
        else if (decoration === 'italic') style.fontStyle = 'italic';
        else if (decoration === 'underline') style.textDecoration = 'underline';
        else if (decoration === 'strikethrough') style.textDecoration = 'line-through';
        else if (decoration === 'hidden') style.visibility = 'hidden';
      }
      return Object.keys(style).length ? { text: entry.content, style } : { text: entry.content };
    });
    segmentCache.set(line, cached);
  }
  return cached;
}
