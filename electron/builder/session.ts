/**
 * A build: parses the Dockerfile, schedules its stages (independent ones in parallel, each step
 * under a concurrency limit), dispatches every step against the engine, and reports it all as
 * one stream of events. Cancellation kills running containers and stops everything else.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import type { BuildEvent, BuildStatus, StepError } from '../../shared/events';
import type { BuildGraph, GraphStage, GraphStep } from '../../shared/graph';
import type { Backend, Image } from './backend';
import { BuildArgs } from './build-args';
import { Breakpoints } from './breakpoints';
import { CHECK_BUILD_ARG } from './checks';
import { runBuildChecks } from './checks/build-checks';
import { ContextSource } from './context';
import { DispatchState } from './dispatch-state';
import { resolveStageBase } from './dispatchers/from';
import { RunFailedError } from './dispatchers/run';
import { DockerfileError } from './errors';
import { dispatch } from './evaluator';
import { Janitor } from './janitor';
import type { LayerSink } from './layers';
import { StepCancelled } from './executor';
import { loadDockerfile, syntaxNotice } from './frontend';
import { buildGraph, resolveMetaArgs } from './graph';
import type { ImageCache } from './image-cache/cache';
import { parseInstruction, type Command, type Dockerfile, type LabelCommand } from './instructions';
import { parseDockerfile } from './parser';
import { enginePlatform, platformArgs } from './platform';
import { SecretStore, type SecretSource } from './run/secrets';
import { Semaphore } from './semaphore';
import { ShellLexer } from './shell';
import type { BuildServices, Emit, StepContext } from './step-context';

export interface BuildRequest {
  context: string;
  /** Path of the Dockerfile (absolute, or relative to the working directory). */
  dockerfile: string;
  tags: string[];
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  target?: string;
  noCache: boolean;
  remove: boolean;
  forceRemove: boolean;
  keepFailed: boolean;
  /** Steps running at once across parallel stages. */
  concurrency: number;
  /** Record every committed step's layer diff here (the app's inspection views). */
  layers?: LayerSink;
  /** Step ids to pause before (breakpoints.ts), and whether to pause at a failed step. */
  breakpoints?: string[];
  breakOnFailure?: boolean;
  /** Build secrets (`--secret`) that `RUN --mount=type=secret` may read. */
  secrets?: SecretSource[];
}

export interface BuildEngine {
  backend: Backend;
  cache: ImageCache;
  noCache: ImageCache;
  version: string;
  architecture: string;
  /** Runs a whole build inside the engine's bookkeeping of what it makes (the app's image ledger). */
  scope?: (buildId: string, run: () => Promise<BuildResult>) => Promise<BuildResult>;
}

export interface BuildResult {
  status: BuildStatus;
  imageId?: string;
  error?: StepError;
}

export class BuildSession {
  readonly id = randomBytes(6).toString('hex');
  private readonly controller = new AbortController();
  private readonly listeners = new Set<(event: BuildEvent) => void>();
  private readonly settled = new Set<string>();
  private cancelled = false;
  private graph: BuildGraph | undefined;
  /** One per stage, so that killing a step stops its stage and what depends on it, not the rest. */
  private readonly stageControllers = new Map<number, AbortController>();
  /** The container each running step is in (for shells), by step id. */
  private readonly runningContainers = new Map<string, string>();
  private readonly janitor = new Janitor();
  /** Pauses: set, resumed and changed from outside while the build runs. */
  readonly breakpoints: Breakpoints;

  constructor(
    private readonly engine: BuildEngine,
    private readonly request: BuildRequest,
  ) {
    const host = { emit: this.emit, cancel: () => this.cancel(), graph: () => this.graph };
    this.breakpoints = new Breakpoints(host, request.breakpoints, request.breakOnFailure);
  }

  onEvent(listener: (event: BuildEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Cancels the build (a failure also stops the other steps, but is not a cancellation). */
  cancel(): void {
    this.cancelled = true;
    this.controller.abort();
  }

  /**
   * Kills one step: its container is killed and removed, its stage and the stages that need it
   * are cancelled; independent stages go on. False when the step is not queued or running.
   */
  killStep(stepId: string): boolean {
    const step = this.graph?.steps.find((s) => s.id === stepId);
    if (!step || this.settled.has(stepId)) return false;
    for (const stage of this.dependentStages(step.stage)) this.stageControllers.get(stage)?.abort();
    return true;
  }

  /** The container a running step is in, if it has one now. */
  containerOf(stepId: string): string | undefined {
    return this.runningContainers.get(stepId);
  }

  /** `stage` and every stage that reads it, directly or through others. */
  private dependentStages(stage: number): Set<number> {
    const steps = this.graph?.steps ?? [];
    const stageOf = new Map(steps.map((s) => [s.id, s.stage]));
    const out = new Set([stage]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const s of steps) {
        if (out.has(s.stage)) continue;
        if (s.dependsOn.some((d) => out.has(stageOf.get(d)!))) {
          out.add(s.stage);
          grew = true;
        }
      }
    }
    return out;
  }

  private readonly emit: Emit = (event) => {
    const full = { ...event, buildId: this.id, time: Date.now() } as BuildEvent;
    if (full.type === 'step-container') this.runningContainers.set(full.stepId, full.containerId);
    if (full.type === 'step-done' || full.type === 'step-failed' || full.type === 'step-cancelled') this.runningContainers.delete(full.stepId);
    if ('stepId' in full && ['step-done', 'step-failed', 'step-cancelled'].includes(full.type)) this.settled.add(full.stepId);
    for (const listener of this.listeners) listener(full);
  };

  async run(): Promise<BuildResult> {
    return this.engine.scope ? this.engine.scope(this.id, () => this.runBuild()) : this.runBuild();
  }

  private async runBuild(): Promise<BuildResult> {
    const started = Date.now();
    let graph: BuildGraph | undefined;
    let context: ContextSource | undefined;
    try {
      const text = await readFile(this.request.dockerfile);
      const { ast, dockerfile } = loadDockerfile(text);
      const syntax = syntaxNotice(ast.directives);
      const escapeToken = ast.directives.escape;
      graph = this.graphWithLabels(dockerfile, escapeToken);
      this.graph = graph;
      this.emit({ type: 'build-started', graph, dockerfile: this.request.dockerfile, context: resolve(this.request.context), tags: this.request.tags });
      for (const step of graph.steps) this.emit({ type: 'step-queued', stepId: step.id });
      if (syntax) this.emit({ type: 'build-message', level: 'info', text: syntax });
      const checkFailure = await runBuildChecks(text, graph, this.request, this.engine, this.emit);
      if (checkFailure) throw checkFailure;

      const insideContext = relative(resolve(this.request.context), resolve(this.request.dockerfile));
      context = await ContextSource.open(resolve(this.request.context), insideContext.startsWith('..') ? {} : { dockerfile: insideContext });
      const imageId = await this.runStages(graph, dockerfile, escapeToken, context);
      if (!imageId) throw new DockerfileError('No image was generated. Is your Dockerfile empty?');
      for (const tag of this.request.tags) await this.engine.backend.images.tagImage(imageId, tag);
      this.warnUnusedArgs(dockerfile);
      await this.janitor.drain();
      this.emit({ type: 'build-finished', status: 'succeeded', imageId, durationMs: Date.now() - started });
      return { status: 'succeeded', imageId };
    } catch (err) {
      const cancelled = this.cancelled || err instanceof StepCancelled;
      const error = toStepError(err);
      if (graph) for (const step of graph.steps) if (!this.settled.has(step.id)) this.emit({ type: 'step-cancelled', stepId: step.id });
      const status: BuildStatus = cancelled ? 'cancelled' : 'failed';
      await this.janitor.drain();
      this.emit({ type: 'build-finished', status, ...(cancelled ? {} : { error }), durationMs: Date.now() - started });
      return { status, ...(cancelled ? {} : { error }) };
    } finally {
      await context?.close();
    }
  }

  /** `--label` values become a LABEL at the end of the target stage, in key order. */
  private graphWithLabels(dockerfile: Dockerfile, escapeToken: '\\' | '`'): BuildGraph {
    const options = { target: this.request.target, buildArgs: this.request.buildArgs, escapeToken, platform: enginePlatform(this.engine.architecture) };
    const keys = Object.keys(this.request.labels).sort();
    if (keys.length === 0) return buildGraph(dockerfile, options);
    const target = dockerfile.stages[buildGraph(dockerfile, options).target]!;
    const text = `LABEL ${keys.map((k) => `"${k}"="${this.request.labels[k]}"`).join(' ')}`;
    const label = parseInstruction(parseDockerfile(text).nodes[0]!) as LabelCommand;
    label.labels = keys.map((key) => ({ key, value: this.request.labels[key]! }));
    target.commands.push({ ...label, range: target.from.range });
    return buildGraph(dockerfile, options);
  }

  private async runStages(graph: BuildGraph, dockerfile: Dockerfile, escapeToken: '\\' | '`', context: ContextSource): Promise<string> {
    const lexer = new ShellLexer({ escapeToken });
    const fromOptions = new Map(Object.entries(this.request.buildArgs));
    const meta = resolveMetaArgs(dockerfile.metaArgs, this.request.buildArgs, lexer, platformArgs(enginePlatform(this.engine.architecture)));
    const referenced = new Set<string>(dockerfile.metaArgs.flatMap((a) => a.args.map((x) => x.key)));
    const globalArgs = new BuildArgs(fromOptions, meta, referenced);
    const semaphore = new Semaphore(Math.max(1, this.request.concurrency));
    const results = new Map<number, Promise<Image>>();
    const byName = new Map(dockerfile.stages.flatMap((s) => (s.from.stageName ? [[s.from.stageName, s.index] as const] : [])));

    const services: BuildServices = {
      buildId: this.id,
      backend: this.engine.backend,
      cache: this.request.noCache ? this.engine.noCache : this.engine.cache,
      context,
      emit: this.emit,
      remove: this.request.remove,
      forceRemove: this.request.forceRemove,
      keepFailed: this.request.keepFailed,
      janitor: this.janitor,
      breakpoints: this.breakpoints,
      ...(this.request.layers ? { layers: this.request.layers } : {}),
      engineVersion: this.engine.version,
      architecture: this.engine.architecture,
      secrets: new SecretStore(this.request.secrets ?? []),
      stageIndex: (ref) => byName.get(ref.toLowerCase()) ?? (/^\d+$/.test(ref) ? Number(ref) : undefined),
      stageImage: (index) => {
        const result = results.get(index);
        if (!result) throw new Error(`stage ${index} is not part of this build`);
        return result;
      },
    };

    const runStage = async (gs: GraphStage): Promise<Image> => {
      const stage = dockerfile.stages[gs.index]!;
      const controller = new AbortController();
      this.stageControllers.set(gs.index, controller);
      const signal = AbortSignal.any([this.controller.signal, controller.signal]);
      const steps = gs.stepIds.map((id) => graph.steps.find((s) => s.id === id)!);
      const state = await this.runFrom(services, gs, steps[0]!, globalArgs.forStage(), lexer, semaphore, signal);
      for (const [i, command] of stage.commands.entries()) {
        const step = steps[i + 1]!;
        // Wait for the stages a step reads (COPY --from) before taking a slot, so that waiting
        // steps never hold every slot while the stages they wait for need one.
        const otherStages = graph.steps.filter((s) => step.dependsOn.includes(s.id) && s.stage !== gs.index).map((s) => s.stage);
        await Promise.all(otherStages.map((index) => services.stageImage(index))).catch((err) => this.fail(step, err, Date.now(), signal));
        await this.runStep(services, state, step, command, lexer, semaphore, signal);
      }
      const image = state.imageId ? await this.engine.backend.images.findImage(state.imageId) : undefined;
      return image ?? { id: '', config: state.config, os: state.os, architecture: state.architecture, diffIds: [], size: 0 };
    };

    for (const gs of graph.stages) {
      const result = Promise.resolve().then(() => runStage(gs));
      // A failure stops the whole build; a killed step stops only its stage and its dependents.
      result.catch((err) => {
        if (!(err instanceof StepCancelled)) this.controller.abort();
      });
      results.set(gs.index, result);
    }
    const outcomes = await Promise.allSettled(results.values());
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected' && !(o.reason instanceof StepCancelled));
    if (failure) throw failure.reason;
    if (this.controller.signal.aborted) throw new StepCancelled();
    return (await results.get(graph.target)!).id;
  }

  /** The FROM step: the base image (waiting for a stage if it is one), then ONBUILD triggers. */
  private async runFrom(
    services: BuildServices, gs: GraphStage, step: GraphStep, args: BuildArgs, lexer: ShellLexer, semaphore: Semaphore, signal: AbortSignal,
  ): Promise<DispatchState> {
    const started = Date.now();
    const log = (text: string) => this.emit({ type: 'step-log', stepId: step.id, stream: 'stdout', text });
    const base = await resolveStageBase(services, gs, signal, log).catch((err) => this.fail(step, err, started, signal));
    this.emit({ type: 'step-started', stepId: step.id, ...(base.imageId ? { baseImage: base.imageId } : {}) });
    const state = new DispatchState(base.os, base.architecture, base.config, base.imageId, args);
    const triggers = state.config.OnBuild ?? [];
    if (triggers.length) {
      state.config.OnBuild = null;
      log(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}\n`);
      for (const trigger of triggers) {
        const command = triggerCommand(trigger, step);
        await semaphore.use(() => this.dispatchStep(services, state, step, command, lexer, signal)).catch((err) => this.fail(step, err, started, signal));
      }
    }
    await this.finishStep(step, state, started, !triggers.length);
    return state;
  }

  private async runStep(
    services: BuildServices, state: DispatchState, step: GraphStep, command: Command, lexer: ShellLexer, semaphore: Semaphore, signal: AbortSignal,
  ): Promise<void> {
    await semaphore.use(async () => {
      if (signal.aborted) this.fail(step, new StepCancelled(), Date.now(), signal);
      const started = Date.now();
      this.emit({ type: 'step-started', stepId: step.id });
      const cached = await this.dispatchStep(services, state, step, command, lexer, signal).catch((err) => this.fail(step, err, started, signal));
      await this.finishStep(step, state, started, cached);
    });
  }

  /** Dispatches one command; true when it was a cache hit. */
  private async dispatchStep(
    services: BuildServices, state: DispatchState, step: GraphStep, command: Command, lexer: ShellLexer, signal: AbortSignal,
  ): Promise<boolean> {
    let cached = false;
    // Like the classic builder, every step's config names the image it started from.
    state.config.Image = state.imageId;
    const ctx: StepContext = {
      services: { ...services, emit: (event) => {
        if (event.type === 'step-cache' && event.decision.hit) cached = true;
        services.emit(event);
      } },
      state, command, step, lexer, signal,
    };
    await dispatch(ctx, command);
    return cached;
  }

  private async finishStep(step: GraphStep, state: DispatchState, started: number, cached: boolean): Promise<void> {
    const image = state.imageId ? await this.engine.backend.images.findImage(state.imageId) : undefined;
    this.emit({ type: 'step-done', stepId: step.id, imageId: state.imageId, cached, size: image?.size ?? 0, durationMs: Date.now() - started });
  }

  private fail(step: GraphStep, err: unknown, started: number, signal: AbortSignal): never {
    if (err instanceof StepCancelled || (signal.aborted && !(err instanceof DockerfileError))) {
      this.emit({ type: 'step-cancelled', stepId: step.id });
      throw new StepCancelled();
    }
    const error = toStepError(err, step);
    this.emit({ type: 'step-failed', stepId: step.id, error, durationMs: Date.now() - started });
    throw err;
  }

  private warnUnusedArgs(dockerfile: Dockerfile): void {
    const referenced = new Set<string>();
    for (const stage of dockerfile.stages) for (const c of stage.commands) if (c.kind === 'ARG') c.args.forEach((a) => referenced.add(a.key));
    const meta = new Set(dockerfile.metaArgs.flatMap((a) => a.args.map((x) => x.key)));
    const unused = BuildArgs.unused(new Map(Object.entries(this.request.buildArgs)), referenced, meta).filter((k) => k !== CHECK_BUILD_ARG);
    if (unused.length) this.emit({ type: 'build-message', level: 'warning', text: `[Warning] One or more build-args [${unused.join(' ')}] were not consumed` });
  }
}

/** An ONBUILD trigger, parsed as the one instruction it must be. */
function triggerCommand(trigger: string, step: GraphStep): Command {
  const { nodes } = parseDockerfile(trigger);
  if (nodes.length !== 1) throw new DockerfileError('onbuild trigger should be a single expression', step.range);
  const command = parseInstruction({ ...nodes[0]!, range: step.range });
  if (command.kind === 'FROM') throw new DockerfileError("FROM isn't allowed as an ONBUILD trigger", step.range);
  return command;
}

function toStepError(err: unknown, step?: GraphStep): StepError {
  if (err instanceof RunFailedError) return { message: err.message, exitCode: err.exitCode, ...(err.range ? { location: err.range } : {}) };
  if (err instanceof DockerfileError) return { message: err.message, ...((err.range ?? step?.range) ? { location: err.range ?? step!.range } : {}) };
  const message = err instanceof Error ? err.message : String(err);
  return { message, ...(step ? { location: step.range } : {}) };
}
