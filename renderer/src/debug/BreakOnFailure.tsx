import { clearNextBreakpoints, setBreakOnFailure, useDebug, useNextBreakpoints } from './store';

/** The build form's "Break on failure": pause at a failed step, and keep its container to inspect. */
export function BreakOnFailure() {
  const on = useDebug((s) => s.breakOnFailure);
  const count = useNextBreakpoints().length;
  return (
    <>
      <label className="check" title="Pause the build where a step fails: shells before and after it, and the files it changed">
        <input type="checkbox" checked={on} onChange={(e) => setBreakOnFailure(e.target.checked)} data-testid="break-on-failure" />
        Break on failure <span className="muted">(inspect a failed step)</span>
      </label>
      {count > 0 && (
        <p className="hint" data-testid="breakpoint-count">
          {count === 1 ? '1 breakpoint' : `${count} breakpoints`}: the build pauses before {count === 1 ? 'that step' : 'those steps'}.{' '}
          <button type="button" className="link" onClick={clearNextBreakpoints} data-testid="breakpoints-clear">
            clear
          </button>
        </p>
      )}
    </>
  );
}
