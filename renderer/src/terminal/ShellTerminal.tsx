import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Envelope } from '../../../shared/contract';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { bridge, unwrap } from '../bridge';
import { toBridgeError } from '../store/errors';
import './terminal.css';

type ShellState =
  | { kind: 'idle' }
  | { kind: 'opening' }
  | { kind: 'open'; shellId: string }
  | { kind: 'exited'; code: number | null }
  | { kind: 'error'; message: string };

interface Props {
  buildId: string;
  stepId: string;
  /** The step is a running RUN with a container: a shell can be opened. */
  available: boolean;
  /** Why not, when it cannot. */
  unavailableReason: string;
  /** The tab is showing (the terminal is fitted when it becomes visible). */
  visible: boolean;
  /** Opens the shell elsewhere than the running step's container (debug shells); answers its id. */
  connect?: (size: { cols: number; rows: number }) => Promise<Envelope<{ shellId: string }>>;
  /** What the bar says while the shell is open, and what the empty terminal explains. */
  liveText?: string;
  intro?: ReactNode;
  /** Opens the shell as soon as it can (visible and available). */
  autoOpen?: boolean;
}

interface Session {
  term: Terminal;
  fit: FitAddon;
  shellId?: string;
  offs: (() => void)[];
  closed: boolean;
}

const THEME = {
  background: '#0b0e14',
  foreground: '#d7dde8',
  cursor: '#4c8dff',
  selectionBackground: '#2a3b5c',
  black: '#1c2230',
  red: '#ff7b72',
  green: '#56d364',
  yellow: '#e3b341',
  blue: '#79c0ff',
  magenta: '#d2a8ff',
  cyan: '#56d4dd',
  white: '#d7dde8',
  brightBlack: '#6e7681',
  brightRed: '#ffa198',
  brightGreen: '#7ee787',
  brightYellow: '#f2cc60',
  brightBlue: '#a5d6ff',
  brightMagenta: '#e2c5ff',
  brightCyan: '#b3f0ff',
  brightWhite: '#ffffff',
};

/** A shell (`sh`, TTY) in a running step's container: xterm.js over shellOpen/Input/Resize/Close. */
export function ShellTerminal({ buildId, stepId, available, unavailableReason, visible, connect, liveText, intro, autoOpen }: Props) {
  const [state, setState] = useState<ShellState>({ kind: 'idle' });
  const hostRef = useRef<HTMLDivElement>(null);
  const session = useRef<Session | null>(null);

  const teardown = (closeShell: boolean) => {
    const s = session.current;
    if (!s) return;
    session.current = null;
    s.closed = true;
    s.offs.forEach((off) => off());
    if (closeShell && s.shellId) void bridge().shellClose({ shellId: s.shellId });
    s.term.dispose();
  };

  // Closing the panel (or choosing another step) closes the shell.
  useEffect(() => () => teardown(true), []);

  useEffect(() => {
    if (visible && session.current) {
      session.current.fit.fit();
      session.current.term.focus();
    }
  }, [visible]);

  const open = async () => {
    const host = hostRef.current;
    if (!host || session.current) return;
    setState({ kind: 'opening' });
    const term = new Terminal({
      fontFamily: 'ui-monospace, "SF Mono", "Cascadia Mono", "DejaVu Sans Mono", Menlo, monospace',
      fontSize: 13,
      cursorBlink: true,
      theme: THEME,
      scrollback: 5000,
      convertEol: false,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    host.replaceChildren();
    term.open(host);
    fit.fit();
    const s: Session = { term, fit, offs: [], closed: false };
    session.current = s;

    // Output can arrive before shellOpen answers: keep it until we know our shell's id.
    const early: { shellId: string; data: string }[] = [];
    s.offs.push(
      bridge().onShellOutput(({ shellId, data }) => {
        if (s.shellId === undefined) early.push({ shellId, data });
        else if (shellId === s.shellId) term.write(data);
      }),
      bridge().onShellExit(({ shellId, code }) => {
        if (shellId !== s.shellId) return;
        term.write(`\r\n\x1b[2m[shell exited${code === null ? '' : ` with code ${code}`}]\x1b[0m\r\n`);
        term.options.disableStdin = true;
        s.shellId = undefined;
        s.offs.forEach((off) => off());
        s.offs = [];
        setState({ kind: 'exited', code });
      }),
    );

    try {
      const cols = Math.max(2, Math.min(term.cols, 999));
      const rows = Math.max(2, Math.min(term.rows, 999));
      const { shellId } = await unwrap(connect ? connect({ cols, rows }) : bridge().shellOpen({ buildId, stepId, cols, rows }));
      if (s.closed) {
        void bridge().shellClose({ shellId });
        return;
      }
      s.shellId = shellId;
      for (const chunk of early) if (chunk.shellId === shellId) term.write(chunk.data);
      early.length = 0;
      const input = term.onData((data) => {
        if (s.shellId) void bridge().shellInput({ shellId: s.shellId, data });
      });
      const resize = term.onResize(({ cols, rows }) => {
        if (s.shellId && cols > 0 && rows > 0 && cols < 1000 && rows < 1000) void bridge().shellResize({ shellId: s.shellId, cols, rows });
      });
      const observer = new ResizeObserver(() => {
        if (host.offsetWidth > 0 && host.offsetHeight > 0) fit.fit();
      });
      observer.observe(host);
      s.offs.push(
        () => input.dispose(),
        () => resize.dispose(),
        () => observer.disconnect(),
      );
      setState({ kind: 'open', shellId });
      term.focus();
    } catch (err) {
      teardown(false);
      setState({ kind: 'error', message: toBridgeError(err).message });
    }
  };

  useEffect(() => {
    if (autoOpen && available && visible && state.kind === 'idle') void open();
    // Only when it becomes possible: a shell the user closed stays closed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [autoOpen, available, visible]);

  const close = () => {
    teardown(true);
    setState({ kind: 'idle' });
  };

  const active = state.kind === 'open' || state.kind === 'opening' || state.kind === 'exited';
  return (
    <div className="shell" data-testid="shell">
      <div className="shell-bar">
        {state.kind === 'open' && <span className="shell-status live">● {liveText ?? "sh in the step's container"}</span>}
        {state.kind === 'opening' && <span className="shell-status">Opening a shell…</span>}
        {state.kind === 'exited' && (
          <span className="shell-status" data-testid="shell-exited">
            Shell exited{state.code === null ? '' : ` (code ${state.code})`}
          </span>
        )}
        {state.kind === 'error' && (
          <span className="shell-status error-text" role="alert">
            {state.message}
          </span>
        )}
        {(state.kind === 'idle' || state.kind === 'error') && !available && <span className="shell-status">{unavailableReason}</span>}
        <div className="spacer" />
        {state.kind === 'open' && (
          <button type="button" onClick={close} data-testid="shell-close">
            Close shell
          </button>
        )}
        {state.kind === 'exited' && (
          <button type="button" onClick={close}>
            Clear
          </button>
        )}
        {(state.kind === 'idle' || state.kind === 'error' || state.kind === 'exited') && (
          <button
            type="button"
            className="primary"
            disabled={!available}
            onClick={() => {
              if (state.kind === 'exited') teardown(false);
              void open();
            }}
            data-testid="shell-open"
          >
            Open shell
          </button>
        )}
      </div>
      <div className="shell-host" ref={hostRef} data-testid="shell-terminal" />
      {!active && (
        <div className="shell-empty">
          {intro ?? (
            <p>
              A shell (<code>sh</code>) inside this step&apos;s container while it runs: look around, check files, see what a
              command is waiting for. The build goes on; exiting the shell does not stop the step.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
