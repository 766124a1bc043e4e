import type { BuildEvent } from '../../shared/events';
import type { GraphStep } from '../../shared/graph';
import type { Backend, Image } from './backend';
import type { Breakpoints } from './breakpoints';
import type { ContextSource } from './context';
import type { DispatchState } from './dispatch-state';
import type { ImageCache } from './image-cache/cache';
import type { Command } from './instructions';
import type { Janitor } from './janitor';
import type { LayerSink } from './layers';
import type { SecretStore } from './run/secrets';
import type { ShellLexer } from './shell';

type Emit = (event: BuildEvent extends infer E ? (E extends BuildEvent ? Omit<E, 'buildId' | 'time'> : never) : never) => void;

/** What every step of a build shares: the engine, the cache, the context, options, events. */
export interface BuildServices {
  buildId: string;
  backend: Backend;
  cache: ImageCache;
  context: ContextSource;
  emit: Emit;
  /** Remove intermediate containers after a successful step (docker build --rm). */
  remove: boolean;
  /** Remove them after a failed step too (--force-rm). */
  forceRemove: boolean;
  /** Keep the failed step's container for debugging (when not force-removing). */
  keepFailed: boolean;
  /** Where committed steps' layer diffs go (the app); without it none are read (the CLI). */
  layers?: LayerSink;
  /** Where steps pause (breakpoints, break on failure); without any set, none does. */
  breakpoints?: Breakpoints;
  /** Background clean-up, finished before the build ends. */
  janitor: Janitor;
  /** The stage a `--from` value names (a stage name or index), if any. */
  stageIndex(ref: string): number | undefined;
  /** The image a stage produced, by stage index (waits for the stage to finish). */
  stageImage(index: number): Promise<Image>;
  /** The engine's version and architecture, written into images Slipway creates. */
  engineVersion: string;
  architecture: string;
  /** Build secrets for `RUN --mount=type=secret` (contents are read only when mounted). */
  secrets?: SecretStore;
}

/** One step being dispatched. */
export interface StepContext {
  services: BuildServices;
  state: DispatchState;
  command: Command;
  step: GraphStep;
  lexer: ShellLexer;
  signal: AbortSignal;
}

export type { Emit };
