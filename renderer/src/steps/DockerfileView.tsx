import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import type { LineRange } from '../../../shared/contract';
import { CheckNotes, noteLine, useCheckWarnings } from './CheckNotes';

interface Props {
  text: string;
  /** The step's lines. */
  range?: LineRange;
  /** An error to show at its line. */
  error?: { message: string; location?: LineRange };
  note?: string;
  /** Something before a line's number (the breakpoint toggles). */
  gutter?: (line: number) => ReactNode;
}

/** The Dockerfile with line numbers, the step's lines highlighted, the error and the check warnings under their lines. */
export function DockerfileView({ text, range, error, note, gutter }: Props) {
  const lines = useMemo(() => text.replace(/\n$/, '').split('\n'), [text]);
  const ref = useRef<HTMLDivElement>(null);
  const focus = error?.location?.start ?? range?.start;

  useEffect(() => {
    if (!focus) return;
    ref.current?.querySelector(`[data-line="${focus}"]`)?.scrollIntoView({ block: 'center' });
  }, [focus, text]);

  const inRange = (n: number, r?: LineRange) => !!r && n >= r.start && n <= r.end;
  const errorEnd = error?.location ? Math.min(error.location.end, lines.length) : undefined;
  const warnings = useCheckWarnings(text);

  return (
    <div className="dockerfile-view" ref={ref} data-testid="dockerfile-view">
      {note && <div className="dockerfile-note">{note}</div>}
      <div className="code">
        {lines.map((line, i) => {
          const n = i + 1;
          const cls = ['code-line'];
          if (inRange(n, range)) cls.push('in-step');
          if (inRange(n, error?.location)) cls.push('in-error');
          if (warnings.some((w) => inRange(n, w.range))) cls.push('has-warning');
          return (
            <div key={n}>
              <div className={cls.join(' ')} data-line={n}>
                {gutter && <span className="code-gutter">{gutter(n)}</span>}
                <span className="code-ln">{n}</span>
                <span className="code-text">{line || ' '}</span>
              </div>
              {error && n === errorEnd && (
                <div className="code-error" role="alert" data-testid="dockerfile-error">
                  <span className="code-error-mark">✖ line {error.location!.start}</span> {error.message}
                </div>
              )}
              <CheckNotes warnings={warnings.filter((w) => noteLine(w.range, lines.length) === n)} />
            </div>
          );
        })}
        {error && !error.location && (
          <div className="code-error" role="alert">
            {error.message}
          </div>
        )}
      </div>
    </div>
  );
}
