/**
 * Stages -> the DAG of steps that the builder schedules and the renderer draws: stable step
 * ids, BuildKit-style display names, edges for step order, `FROM <stage>`, `COPY --from` and
 * `RUN --mount=from=`; cycles rejected; pruned to what `--target` needs.
 */
import { DockerfileError, type LineRange } from '../errors';
import type { BuildArgDeclaration, BuildGraph, EdgeKind, GraphEdge, GraphStage, GraphStep, BaseRef } from '../../../shared/graph';
import type { Command, Dockerfile, Stage } from '../instructions';
import { platformArgs, type Platform } from '../platform';
import { parseRunMountAsWritten } from '../run/mount-options';
import { ShellExpansionError, ShellLexer } from '../shell';
import { resolveMetaArgs } from './meta-args';

export interface GraphOptions {
  target?: string;
  buildArgs?: Readonly<Record<string, string>>;
  escapeToken?: '\\' | '`';
  /** The platform the automatic ARGs (TARGETARCH, ...) describe; this machine's by default. */
  platform?: Platform;
}

export function buildGraph(dockerfile: Dockerfile, options: GraphOptions = {}): BuildGraph {
  const lexer = new ShellLexer({ escapeToken: options.escapeToken ?? '\\' });
  const meta = resolveMetaArgs(dockerfile.metaArgs, options.buildArgs ?? {}, lexer, options.platform ? platformArgs(options.platform) : undefined);
  const { stages } = dockerfile;
  const keys = stages.map((s) => s.from.stageName ?? `stage-${s.index}`);
  const byName = new Map(stages.flatMap((s) => (s.from.stageName ? [[s.from.stageName, s.index] as const] : [])));

  const expand = (word: string, range: LineRange) => {
    try {
      return lexer.processWord(word, meta);
    } catch (err) {
      if (err instanceof ShellExpansionError) throw new DockerfileError(err.message, range);
      throw err;
    }
  };

  const graphStages: GraphStage[] = stages.map((stage) => {
    const baseName = expand(stage.from.baseName, stage.from.range);
    if (baseName.trim() === '') {
      throw new DockerfileError(`base name (${stage.from.baseName}) should not be blank`, stage.from.range);
    }
    // FROM sees only the stages above it: `FROM alpine AS alpine` is the image.
    const named = byName.get(baseName.toLowerCase());
    const base: BaseRef =
      named !== undefined && named < stage.index ? { kind: 'stage', stage: named } : baseName === 'scratch' ? { kind: 'scratch' } : { kind: 'image', ref: baseName };
    const platform = stage.from.platform !== undefined ? expand(stage.from.platform, stage.from.range) : undefined;
    return {
      index: stage.index,
      key: keys[stage.index]!,
      ...(stage.from.stageName ? { name: stage.from.stageName } : {}),
      base,
      ...(platform ? { platform } : {}),
      range: stage.from.range,
      stepIds: [],
    };
  });

  // Which stage a `--from` value names, if any: a stage name, a stage index, or else an image.
  const stageRef = (value: string, stage: Stage, command: Command): number | undefined => {
    const from = expand(value, command.range);
    const named = byName.get(from.toLowerCase());
    if (named !== undefined) return named;
    if (/^\d+$/.test(from)) {
      const index = Number(from);
      if (index === stage.index) throw new DockerfileError(`invalid from flag value ${from}: refers to current build stage`, command.range);
      if (index > stage.index) throw new DockerfileError(`invalid from flag value ${from}: index out of bounds`, command.range);
      return index;
    }
    return undefined;
  };

  const stageDeps = stages.map(() => new Set<number>());
  const steps: GraphStep[] = [];
  const edges: GraphEdge[] = [];
  const lastStepOf = (index: number) => `${keys[index]}:${stages[index]!.commands.length + 1}`;

  for (const stage of stages) {
    const gs = graphStages[stage.index]!;
    const total = stage.commands.length + 1;
    const prefix = (position: number) => (stages.length > 1 ? `[${gs.key} ${position}/${total}]` : `[${position}/${total}]`);
    const fromText = `FROM ${gs.base.kind === 'image' ? gs.base.ref : gs.base.kind === 'scratch' ? 'scratch' : keys[gs.base.stage]}${gs.name ? ` AS ${gs.name}` : ''}`;

    const fromStep: GraphStep = {
      id: `${gs.key}:1`, stage: stage.index, position: 1, kind: 'FROM', name: `${prefix(1)} ${fromText}`,
      text: stage.from.original, range: stage.from.range, dependsOn: [],
    };
    if (gs.base.kind === 'stage') {
      stageDeps[stage.index]!.add(gs.base.stage);
      fromStep.dependsOn.push(lastStepOf(gs.base.stage));
      edges.push({ from: lastStepOf(gs.base.stage), to: fromStep.id, kind: 'from-stage' });
    }
    steps.push(fromStep);
    gs.stepIds.push(fromStep.id);

    stage.commands.forEach((command, i) => {
      const position = i + 2;
      const id = `${gs.key}:${position}`;
      const previous = `${gs.key}:${position - 1}`;
      const step: GraphStep = {
        id, stage: stage.index, position, kind: command.kind, name: `${prefix(position)} ${command.original}`,
        text: command.original, range: command.range, dependsOn: [previous],
      };
      edges.push({ from: previous, to: id, kind: 'order' });
      for (const [ref, kind] of crossStageRefs(command)) {
        const dep = stageRef(ref, stage, command);
        if (dep === undefined) continue;
        stageDeps[stage.index]!.add(dep);
        if (!step.dependsOn.includes(lastStepOf(dep))) step.dependsOn.push(lastStepOf(dep));
        edges.push({ from: lastStepOf(dep), to: id, kind });
      }
      steps.push(step);
      gs.stepIds.push(id);
    });
  }

  rejectCycles(stageDeps, keys, graphStages);
  const target = resolveTarget(options.target, byName, keys);
  const needed = reachable(target, stageDeps);
  const keep = (stageIndex: number) => needed.has(stageIndex);
  const keptSteps = new Set(steps.filter((s) => keep(s.stage)).map((s) => s.id));

  return {
    stages: graphStages.filter((s) => keep(s.index)),
    steps: steps.filter((s) => keptSteps.has(s.id)),
    edges: edges.filter((e) => keptSteps.has(e.to)),
    target,
    targets: stages.flatMap((s) => (s.from.stageName ? [s.from.stageName] : [])),
    buildArgs: buildArgDeclarations(dockerfile, keys),
  };
}

/** The `--from` values a command reads another stage through. */
function crossStageRefs(command: Command): [string, EdgeKind][] {
  if (command.kind === 'COPY' && command.from !== undefined) return [[command.from, 'copy-from']];
  if (command.kind === 'RUN') {
    return command.mounts.flatMap((m) => {
      const from = parseRunMountAsWritten(m).from;
      return from !== undefined ? [[from, 'mount-from'] as [string, EdgeKind]] : [];
    });
  }
  return [];
}

/** Depth-first, with a stack of its own: a chain of thousands of stages must not overflow ours. */
function rejectCycles(deps: Set<number>[], keys: string[], stages: GraphStage[]): void {
  const state = new Array<'visiting' | 'done' | undefined>(deps.length);
  for (let root = 0; root < deps.length; root++) {
    if (state[root] === 'done') continue;
    state[root] = 'visiting';
    const path: { stage: number; next: Iterator<number> }[] = [{ stage: root, next: deps[root]!.values() }];
    while (path.length > 0) {
      const top = path[path.length - 1]!;
      const step = top.next.next();
      if (step.done) {
        state[top.stage] = 'done';
        path.pop();
        continue;
      }
      const d = step.value;
      if (state[d] === 'done') continue;
      if (state[d] === 'visiting') {
        throw new DockerfileError(`circular dependency detected on stage: ${keys[d]}`, stages[d]!.range);
      }
      state[d] = 'visiting';
      path.push({ stage: d, next: deps[d]!.values() });
    }
  }
}

function resolveTarget(target: string | undefined, byName: Map<string, number>, keys: string[]): number {
  if (target === undefined || target === '') return keys.length - 1;
  const index = byName.get(target.toLowerCase());
  if (index !== undefined) return index;
  const known = [...byName.keys()];
  throw new DockerfileError(
    `target stage "${target}" could not be found` +
      (known.length ? ` (stages: ${known.join(', ')})` : ' (no stage has a name: add `AS <name>` to a FROM line)'),
  );
}

function reachable(start: number, deps: Set<number>[]): Set<number> {
  const seen = new Set<number>([start]);
  const pending = [start];
  for (let i = pending.pop(); i !== undefined; i = pending.pop()) {
    for (const d of deps[i]!) {
      if (seen.has(d)) continue;
      seen.add(d);
      pending.push(d);
    }
  }
  return seen;
}

function buildArgDeclarations(dockerfile: Dockerfile, keys: string[]): BuildArgDeclaration[] {
  const declare = (scope: string) => (command: Command) =>
    command.kind !== 'ARG'
      ? []
      : command.args.map((a) => ({ name: a.key, ...(a.value !== undefined ? { default: a.value } : {}), scope, line: command.range.start }));
  return [
    ...dockerfile.metaArgs.flatMap(declare('global')),
    ...dockerfile.stages.flatMap((s) => s.commands.flatMap(declare(keys[s.index]!))),
  ];
}
