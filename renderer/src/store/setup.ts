/**
 * What the next build will be: the context (inspected), the Dockerfile in it (outlined: its
 * graph is shown before anything is built), target, build args, tags, no-cache.
 */
import { create } from 'zustand';
import type { BridgeError, BuildRequest, ContextSummary, OutlineResult } from '../../../shared/contract';
import { bridge, unwrap } from '../bridge';
import { selectBuild, setDockerfileText, upsertSummary } from './builds';
import { toBridgeError } from './errors';
import { debugRequestFields } from '../debug/store';
import { engineChoice } from '../engines/store';
import { parseSecrets } from '../../../shared/build-request';

export interface SetupState {
  /** The path field as typed. */
  path: string;
  /** The context being inspected or inspected. */
  context: string | null;
  inspecting: boolean;
  summary: ContextSummary | null;
  contextError: BridgeError | null;
  dockerfile: string;
  /** '' builds the last stage. */
  target: string;
  /** Build args the user set (others take their Dockerfile defaults). */
  args: Readonly<Record<string, string>>;
  tags: string;
  /** Build secrets as typed (store/secrets.ts). */
  secrets: string;
  noCache: boolean;
  outlining: boolean;
  outline: OutlineResult | null;
  outlineError: BridgeError | null;
  /** The Dockerfile's text when it does not parse, to show the error at its line. */
  outlineErrorText: string | null;
  starting: boolean;
  buildError: BridgeError | null;
}

const LAST_CONTEXT = 'slipway.lastContext';

function remembered(): string {
  try {
    return localStorage.getItem(LAST_CONTEXT) ?? '';
  } catch {
    return '';
  }
}

export const useSetup = create<SetupState>()(() => ({
  path: remembered(),
  context: null,
  inspecting: false,
  summary: null,
  contextError: null,
  dockerfile: '',
  target: '',
  args: {},
  tags: '',
  secrets: '',
  noCache: false,
  outlining: false,
  outline: null,
  outlineError: null,
  outlineErrorText: null,
  starting: false,
  buildError: null,
}));

const set = useSetup.setState;
const get = useSetup.getState;

export function setPath(path: string): void {
  set({ path });
}

let inspection = 0;
/**
 * Opens a context folder: its summary, then the outline of its Dockerfile, which is shown
 * (unless `show` is false: reopening the last context on load keeps the selected build).
 */
export async function openContext(path: string, { show = true }: { show?: boolean } = {}): Promise<void> {
  const context = path.trim();
  if (!context) return;
  const ticket = ++inspection;
  set({ path: context, context, inspecting: true, contextError: null });
  if (show) selectBuild(null);
  try {
    const summary = await unwrap(bridge().contextInspect({ context }));
    if (ticket !== inspection) return;
    try {
      localStorage.setItem(LAST_CONTEXT, summary.root);
    } catch {
      // not remembered, that is all
    }
    const keep = get().context === context && summary.dockerfiles.includes(get().dockerfile) ? get().dockerfile : '';
    const dockerfile = keep || (summary.dockerfiles.includes('Dockerfile') ? 'Dockerfile' : (summary.dockerfiles[0] ?? 'Dockerfile'));
    set({ summary, context: summary.root, path: summary.root, inspecting: false, dockerfile, target: '', args: {} });
    await refreshOutline();
  } catch (err) {
    if (ticket !== inspection) return;
    set({ inspecting: false, summary: null, outline: null, outlineError: null, contextError: show ? toBridgeError(err) : null, ...(show ? {} : { context: null }) });
  }
}

/** On load: the context of last time, if it is still there. */
export function reopenLastContext(): void {
  const { path, context } = get();
  if (path && !context) void openContext(path, { show: false });
}

export function chooseDockerfile(dockerfile: string): void {
  set({ dockerfile, target: '', args: {} });
  selectBuild(null);
  void refreshOutline();
}

export function chooseTarget(target: string): void {
  set({ target });
  selectBuild(null);
  void refreshOutline();
}

let argTimer: ReturnType<typeof setTimeout> | undefined;
/** undefined: back to the Dockerfile's default. */
export function setArg(name: string, value: string | undefined): void {
  const args = { ...get().args };
  if (value === undefined) delete args[name];
  else args[name] = value;
  set({ args });
  clearTimeout(argTimer);
  // Args can change FROM lines and so the graph: outline again once typing pauses.
  argTimer = setTimeout(() => void refreshOutline(), 350);
}

export function setTags(tags: string): void {
  set({ tags });
}

export function setSecrets(secrets: string): void {
  set({ secrets });
}

export function setNoCache(noCache: boolean): void {
  set({ noCache });
}

let outlining = 0;
/** Reads the Dockerfile again (it may have been edited) and outlines it. */
export async function refreshOutline(): Promise<void> {
  const { context, dockerfile, target, args } = get();
  if (!context || !dockerfile) return;
  const ticket = ++outlining;
  set({ outlining: true });
  try {
    const outline = await unwrap(
      bridge().dockerfileOutline({ context, dockerfile, ...(target ? { target } : {}), buildArgs: { ...args } }),
    );
    if (ticket !== outlining) return;
    set({ outline, outlineError: null, outlining: false });
  } catch (err) {
    if (ticket !== outlining) return;
    const error = toBridgeError(err);
    // A target that no longer exists (the Dockerfile changed): fall back to the last stage.
    if (target && error.code === 'DOCKERFILE' && /target/i.test(error.message)) {
      set({ target: '' });
      return refreshOutline();
    }
    set({ outline: null, outlineError: error, outlineErrorText: null, outlining: false });
    if (error.code !== 'DOCKERFILE') return;
    const read = await unwrap(bridge().dockerfileRead({ context, dockerfile })).catch(() => null);
    if (ticket === outlining && read) set({ outlineErrorText: read.text });
  }
}

export function parseTags(tags: string): string[] {
  return tags.split(/[\s,]+/).filter(Boolean);
}

export function buildRequest(state: SetupState = get()): BuildRequest | null {
  if (!state.context || !state.dockerfile) return null;
  const secrets = parseSecrets(state.secrets);
  if ('error' in secrets) return null;
  return {
    context: state.context,
    dockerfile: state.dockerfile,
    ...(state.target ? { target: state.target } : {}),
    buildArgs: { ...state.args },
    tags: parseTags(state.tags),
    noCache: state.noCache,
    ...(secrets.secrets.length ? { secrets: secrets.secrets } : {}),
    ...debugRequestFields(),
    ...engineChoice(),
  };
}

/** Starts a build of what is set up, and shows it. */
export async function startBuild(): Promise<void> {
  const request = buildRequest();
  if (!request || get().starting) return;
  set({ starting: true, buildError: null });
  try {
    const text = get().outline?.text;
    const summary = await unwrap(bridge().buildStart(request));
    upsertSummary(summary);
    if (text !== undefined) setDockerfileText(summary.buildId, { text, reread: false });
    selectBuild(summary.buildId);
    set({ starting: false });
  } catch (err) {
    set({ starting: false, buildError: toBridgeError(err) });
  }
}
