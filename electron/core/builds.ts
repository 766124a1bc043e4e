/**
 * The build sessions of one main process: several at once, each with its event log on disk,
 * events batched to whoever listens (IPC or web mode), and the step controls the app offers —
 * cancel, kill a step, retry, a shell in a running step.
 */
import { randomBytes } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import type { BuildEventBatch, BuildRequest, BuildSummary } from '../../shared/contract';
import type { BuildEvent } from '../../shared/events';
import type { ImageWaste, StepLayer } from '../../shared/layers';
import type { Shell } from '../builder/backend';
import { BuildSession } from '../builder/session';
import { Batcher } from './batcher';
import { DebugManager } from './debug';
import type { EngineHandle, EnginePool } from './engine-pool';
import { EventLog } from './event-log';
import { buildFiles } from './history-files';
import { LogSpill } from './log-spill';
import { BuildHistory } from './history';
import { HistoryRefusal } from './history-record';
import { LayerViews } from './layers-build';

import { NotFoundError } from './errors';

export { NotFoundError };

export interface BuildPublisher {
  events(batch: BuildEventBatch): void;
  summary(summary: BuildSummary): void;
  shellOutput(shellId: string, data: string): void;
  shellExit(shellId: string, code: number | null): void;
}

interface Running {
  session: BuildSession;
  summary: BuildSummary;
  log: EventLog;
  /** The engine it runs on (request.engine, else the current one). */
  engine: EngineHandle;
}

export class BuildManager {
  private readonly builds = new Map<string, Running>();
  private readonly shells = new Map<string, Shell>();
  private layerViews: LayerViews | undefined;

  /** Breakpoints, pauses and debug shells (debug.ts). */
  readonly debug: DebugManager;

  /** Every build's summary on disk: past builds are listed, reopened, exported from here. */
  readonly history: BuildHistory;

  constructor(
    private readonly engines: EnginePool,
    private readonly home: string,
    private readonly publish: BuildPublisher,
  ) {
    this.history = new BuildHistory(join(home, 'builds'));
    this.debug = new DebugManager({
      docker: (id) => (this.builds.get(id)?.engine ?? engines.handle()).docker,
      session: (id) => this.builds.get(id)?.session,
      adoptShell: (shell) => this.adoptShell(shell),
    });
  }

  async start(request: BuildRequest, retryOf?: string): Promise<BuildSummary> {
    const handle = this.engines.handle(request.engine);
    const engine = await handle.buildEngine();
    const context = resolve(request.context);
    const dockerfile = isAbsolute(request.dockerfile) ? request.dockerfile : join(context, request.dockerfile);
    const session = new BuildSession(engine, {
      context,
      dockerfile,
      tags: request.tags,
      buildArgs: request.buildArgs,
      labels: {},
      ...(request.target ? { target: request.target } : {}),
      noCache: request.noCache,
      remove: true,
      forceRemove: false,
      // Break on failure keeps the failed container to inspect; the debug manager removes it.
      keepFailed: !!request.breakOnFailure,
      breakpoints: request.breakpoints ?? [],
      breakOnFailure: !!request.breakOnFailure,
      ...(request.secrets ? { secrets: request.secrets } : {}),
      concurrency: 4,
      layers: this.layers().store,
    });
    const log = await EventLog.create(join(this.home, 'builds'), session.id);
    const layers = this.layers().track(session.id);
    const summary: BuildSummary = { buildId: session.id, request, status: 'running', startedAt: Date.now(), ...(retryOf ? { retryOf } : {}) };
    this.builds.set(session.id, { session, summary, log, engine: handle });
    const recorder = await this.history.record(summary, dockerfile);

    let sent = 0;
    const batcher = new Batcher<BuildEvent>((events) => {
      this.publish.events({ buildId: session.id, events, from: sent });
      sent += events.length;
    });
    const publish = (event: BuildEvent) => {
      layers.observe(event);
      this.debug.observe(event);
      log.append(event);
      recorder.observe(event);
      batcher.push(event);
      if (event.type === 'build-finished') batcher.flush();
    };
    // A step's output past a few MiB goes to a file, not to memory and events (log-spill.ts).
    const spill = new LogSpill(buildFiles(join(this.home, 'builds'), session.id).stepLogs);
    session.onEvent((event) => spill.filter(event, publish));

    this.publish.summary(summary);
    void session.run().then(async (result) => {
      summary.status = result.status;
      await spill.close();
      await log.flush();
      await recorder.finish();
      this.publish.summary(summary);
    });
    return summary;
  }

  list(): BuildSummary[] {
    return [...this.builds.values()].map((b) => b.summary);
  }

  async events(buildId: string, from: number): Promise<BuildEventBatch> {
    const running = this.builds.get(buildId);
    if (!running) return { buildId, events: await this.history.events(buildId, from), from };
    return { buildId, events: await running.log.read(from), from };
  }

  /** A committed step's layer diff, and the wasted space of a build's images (layers-build.ts). */
  async stepLayer(buildId: string, stepId: string): Promise<StepLayer> {
    return (await this.layers().of(buildId, async () => (await this.events(buildId, 0)).events)).step(stepId);
  }

  async buildWaste(buildId: string): Promise<ImageWaste[]> {
    return (await this.layers().of(buildId, async () => (await this.events(buildId, 0)).events)).waste();
  }

  private layers(): LayerViews {
    return (this.layerViews ??= new LayerViews(join(this.home, 'builds', 'layers')));
  }

  cancel(buildId: string): void {
    this.get(buildId).session.cancel();
  }

  kill(buildId: string, stepId: string): void {
    if (!this.get(buildId).session.killStep(stepId)) throw new NotFoundError(`step ${stepId} is not running or queued`);
  }

  /** Builds again from the Dockerfile as it is now; the steps before the retried one hit the cache. */
  async retry(buildId: string): Promise<BuildSummary> {
    const summary = this.builds.get(buildId)?.summary ?? (await this.history.summary(buildId));
    if (summary.imported) throw new HistoryRefusal('An imported build cannot be retried: open its context here and build it.');
    return this.start(summary.request, buildId);
  }

  /** Deletes a finished build: its summary, log and Dockerfile copy. */
  async remove(buildId: string): Promise<void> {
    await this.history.remove(buildId);
    await this.debug.forget(buildId);
    await this.builds.get(buildId)?.log.close();
    this.builds.delete(buildId);
  }

  async openShell(buildId: string, stepId: string, cols: number, rows: number): Promise<string> {
    const container = this.get(buildId).session.containerOf(stepId);
    if (!container) throw new NotFoundError(`step ${stepId} has no running container`);
    const engine = await this.get(buildId).engine.buildEngine();
    return this.adoptShell(await engine.backend.containers.openShell(container, { cols, rows }));
  }

  /** An open shell becomes one of ours: input, resize and close by its id, output as events. */
  adoptShell(shell: Shell): string {
    const shellId = randomBytes(8).toString('hex');
    this.shells.set(shellId, shell);
    const decoder = new TextDecoder();
    const output = new Batcher<string>((chunks) => this.publish.shellOutput(shellId, chunks.join('')), 16, 256);
    shell.output.on('data', (chunk: Buffer) => output.push(decoder.decode(chunk, { stream: true })));
    void shell.ended.then((code) => {
      output.flush();
      this.shells.delete(shellId);
      this.publish.shellExit(shellId, code);
    });
    return shellId;
  }

  shell(shellId: string): Shell {
    const shell = this.shells.get(shellId);
    if (!shell) throw new NotFoundError(`no shell ${shellId}`);
    return shell;
  }

  async closeShell(shellId: string): Promise<void> {
    await this.shell(shellId).close();
  }

  /** Cancels every build and closes every shell (the app is quitting). */
  async shutdown(): Promise<void> {
    for (const { session } of this.builds.values()) session.cancel();
    await Promise.all([...this.shells.values()].map((s) => s.close()));
    await this.debug.shutdown();
  }

  private get(buildId: string): Running {
    const build = this.builds.get(buildId);
    if (!build) throw new NotFoundError(`no build ${buildId}`);
    return build;
  }
}
