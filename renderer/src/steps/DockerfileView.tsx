import { useEffect, useMemo, useRef } from 'react';
import type { LineRange } from '../../../shared/contract';

interface Props {
  text: string;
  /** The step's lines. */
  range?: LineRange;
  /** An error to show at its line. */
  error?: { message: string; location?: LineRange };
  note?: string;
}

/** The Dockerfile with line numbers, the step's lines highlighted and the error under its line. */
export function DockerfileView({ text, range, error, note }: Props) {
  const lines = useMemo(() => text.replace(/\n$/, '').split('\n'), [text]);
  const ref = useRef<HTMLDivElement>(null);
  const focus = error?.location?.start ?? range?.start;

  useEffect(() => {
    if (!focus) return;
    ref.current?.querySelector(`[data-line="${focus}"]`)?.scrollIntoView({ block: 'center' });
  }, [focus, text]);

  const inRange = (n: number, r?: LineRange) => !!r && n >= r.start && n <= r.end;
  const errorEnd = error?.location ? Math.min(error.location.end, lines.length) : undefined;

  return (
    <div className="dockerfile-view" ref={ref} data-testid="dockerfile-view">
      {note && <div className="dockerfile-note">{note}</div>}
      <div className="code">
        {lines.map((line, i) => {
          const n = i + 1;
          const cls = ['code-line'];
          if (inRange(n, range)) cls.push('in-step');
          if (inRange(n, error?.location)) cls.push('in-error');
          return (
            <div key={n}>
              <div className={cls.join(' ')} data-line={n}>
                <span className="code-ln">{n}</span>
                <span className="code-text">{line || ' '}</span>
              </div>
              {error && n === errorEnd && (
                <div className="code-error" role="alert" data-testid="dockerfile-error">
                  <span className="code-error-mark">✖ line {error.location!.start}</span> {error.message}
                </div>
              )}
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
