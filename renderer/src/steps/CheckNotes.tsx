import { useState } from 'react';
import type { LineRange, OutlineResult } from '../../../shared/contract';
import { useSetup } from '../store/setup';
import { plural } from '../ui/format';
import './checks.css';

export type CheckNote = OutlineResult['warnings'][number];

const NONE: CheckNote[] = [];

/**
 * The build checks' warnings for this Dockerfile text: the outline's, when the text shown is the
 * one that was outlined (a build of the same file shows the same lines; an older build record's
 * text may differ, and then no warnings are placed on it).
 */
export function useCheckWarnings(text: string): CheckNote[] {
  return useSetup((s) => (s.outline && s.outline.text === text ? s.outline.warnings : NONE));
}

/** The line a warning's note goes under: the last of its lines (within the file). */
export const noteLine = (range: LineRange, lineCount: number) => Math.min(Math.max(range.start, range.end), lineCount);

/** A header chip: how many build check warnings, each listed in its tooltip (they show at their lines in the Dockerfile view). */
export function CheckCount({ warnings, testId }: { warnings: readonly CheckNote[]; testId: string }) {
  if (warnings.length === 0) return null;
  const list = warnings.map((w) => `line ${w.range.start}: ${w.rule ? `${w.rule}: ` : ''}${w.message}`).join('\n');
  return (
    <span className="ws-message warning" data-testid={testId} title={list}>
      ⚠ {plural(warnings.length, 'check warning')}
    </span>
  );
}

/** A warning under its line: where, which rule (BuildKit's name), what, and its documentation address to copy. */
export function CheckNotes({ warnings }: { warnings: CheckNote[] }) {
  if (warnings.length === 0) return null;
  return (
    <>
      {warnings.map((w, i) => (
        <CheckNoteItem key={i} warning={w} />
      ))}
    </>
  );
}

function CheckNoteItem({ warning }: { warning: CheckNote }) {
  const [copied, setCopied] = useState(false);
  const copy = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      const area = document.createElement('textarea');
      area.value = url;
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  return (
    <div className="code-warning" data-testid="check-warning" data-rule={warning.rule ?? ''} data-warning-line={warning.range.start}>
      <div>
        <span className="code-warning-mark">⚠ line {warning.range.start}</span>
        {warning.rule && <span className="code-warning-rule">{warning.rule}</span>} {warning.message}
      </div>
      {warning.url && (
        <div className="code-warning-url">
          <span title="Docker's page about this rule">{warning.url}</span>
          <button type="button" className="link" onClick={() => void copy(warning.url!)} data-testid="copy-check-url">
            {copied ? 'copied' : 'copy'}
          </button>
        </div>
      )}
    </div>
  );
}
