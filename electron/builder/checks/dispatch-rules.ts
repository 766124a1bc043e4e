/**
 * The rules BuildKit runs while it dispatches a stage's instructions, over a model of each
 * stage's environment (the base image's Env, then ARG and ENV as they come): UndefinedVar,
 * JSONArgsRecommended, MultipleInstructionsDisallowed, WorkdirRelativePath,
 * LegacyKeyValueFormat, SecretsUsedInArgOrEnv, ExposeProtoCasing, ExposeInvalidFormat.
 *
 * A base image's Env is known only when the caller found the image (locally): where it is not,
 * variables the Dockerfile does not set may come from the image, so UndefinedVar stays quiet
 * and rules on expanded values run only when the value does not depend on the image.
 */
import type { LineRange } from '../errors';
import type { Command, KeyValue } from '../instructions';
import { ShellExpansionError, ShellLexer } from '../shell';
import type { CheckConfig } from './config';
import type { CheckedInstruction, CheckedStage, Layout } from './layout';
import type { CheckReporter } from './report';
import { MESSAGES } from './rules';
import { suggestName } from './suggest';

/** What a base image brings that the rules need: its Env (`K=V`) and its Shell. */
export interface BaseImageFacts {
  env: readonly string[];
  shell: readonly string[];
}

export interface DispatchInputs {
  layout: Layout;
  lexer: ShellLexer;
  /** Platform args and meta-ARGs, build args applied: what a stage's bare `ARG X` picks up. */
  globals: ReadonlyMap<string, string>;
  buildArgs: Readonly<Record<string, string>>;
  /** Stages the build dispatches (the target and what it needs); all of them for `--check`. */
  dispatched: (index: number) => boolean;
  /** A base image's facts, or undefined when not known. */
  baseImage: (ref: string) => BaseImageFacts | undefined;
  reporter: CheckReporter;
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Build args BuildKit keeps out of the environment (SBOM scan switches). */
const NON_ENV_ARGS = new Set(['BUILDKIT_SBOM_SCAN_CONTEXT', 'BUILDKIT_SBOM_SCAN_STAGE']);
const SECRET_WORDS = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
const NOT_SECRET_WORDS = /(?:_|^)(?:public|file|version)(?:_|$)/i;

interface StageState {
  env: Map<string, string>;
  /** False when the base image's Env is unknown. */
  envKnown: boolean;
  /** Variables whose value depends on the unknown base Env. */
  uncertain: Set<string>;
  /** Declared ARGs (with or without a value). */
  declared: string[];
  shell: readonly string[];
  workdirSet: boolean;
}

/** The build fails here: BuildKit stops dispatching, and so do the checks. */
class StopDispatch extends Error {}

interface Expanded {
  word: string;
  /** The value does not depend on an unknown base Env. */
  certain: boolean;
}

export function checkDispatch(inputs: DispatchInputs): void {
  const states = new Map<number, StageState>();
  // The first stage of each name, found once: thousands of stages must not cost stages².
  const firstNamed = new Map<string, CheckedStage>();
  for (const stage of inputs.layout.stages) {
    const name = stage.from.command.stageName;
    if (name !== undefined && !firstNamed.has(name)) firstNamed.set(name, stage);
  }
  try {
    for (const stage of inputs.layout.stages) {
      if (!inputs.dispatched(stage.index)) continue;
      states.set(stage.index, new StageRun(inputs, stage, baseState(inputs, stage, states, firstNamed)).run());
    }
  } catch (err) {
    if (!(err instanceof StopDispatch)) throw err;
  }
}

function baseState(
  inputs: DispatchInputs,
  stage: CheckedStage,
  states: ReadonlyMap<number, StageState>,
  firstNamed: ReadonlyMap<string, CheckedStage>,
): StageState {
  let name: string;
  try {
    name = inputs.lexer.processWord(stage.from.command.baseName, inputs.globals);
  } catch {
    throw new StopDispatch();
  }
  const first = firstNamed.get(name.toLowerCase());
  const named = first && first.index < stage.index ? first : undefined;
  let state: StageState;
  if (named) {
    const parent = states.get(named.index);
    state = parent
      ? { ...parent, env: new Map(parent.env), uncertain: new Set(parent.uncertain), declared: [...parent.declared] }
      : { env: new Map(), envKnown: false, uncertain: new Set(), declared: [], shell: [], workdirSet: false };
  } else {
    const facts = name === 'scratch' ? { env: [], shell: [] } : inputs.baseImage(name);
    const env = new Map<string, string>();
    for (const entry of facts?.env ?? []) {
      const eq = entry.indexOf('=');
      if (eq < 0) env.set(entry, '');
      else env.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
    state = { env, envKnown: facts !== undefined, uncertain: new Set(), declared: [], shell: facts?.shell ?? [], workdirSet: false };
  }
  if (!state.env.has('PATH')) state.env.set('PATH', DEFAULT_PATH);
  return state;
}

/** One stage's instructions, in order, against its environment. */
class StageRun {
  /** Where the stage's CMD, ENTRYPOINT and HEALTHCHECK were last set. */
  private readonly lastSet = new Map<'CMD' | 'ENTRYPOINT' | 'HEALTHCHECK', LineRange>();
  private readonly rawLexer = new ShellLexer({ escapeToken: '\\', skipProcessQuotes: true });
  private current!: CheckedInstruction<Command>;

  constructor(
    private readonly inputs: DispatchInputs,
    private readonly stage: CheckedStage,
    private readonly state: StageState,
  ) {}

  run(): StageState {
    for (const instruction of this.stage.commands) {
      this.current = instruction;
      this.dispatch(instruction.command);
    }
    return this.state;
  }

  private get config(): CheckConfig {
    return this.current.config;
  }

  private get range(): LineRange {
    return this.current.node.range;
  }

  private dispatch(command: Command): void {
    const keyword = this.current.keyword;
    switch (command.kind) {
      case 'ENV': {
        const pairs = this.expandPairs(command.env);
        pairs.forEach(({ key, value }, i) => {
          if (this.hasLegacySeparator(i)) this.report('LegacyKeyValueFormat', MESSAGES.LegacyKeyValueFormat(keyword));
          if (key.certain) this.checkSecret('ENV', key.word);
          this.set(key.word, value);
        });
        break;
      }
      case 'LABEL':
        this.expandPairs(command.labels).forEach((_, i) => {
          if (this.hasLegacySeparator(i)) this.report('LegacyKeyValueFormat', MESSAGES.LegacyKeyValueFormat(keyword));
        });
        break;
      case 'ARG':
        for (const { key, value } of command.args) this.declareArg(key, value);
        break;
      case 'COPY':
      case 'ADD': {
        for (const flag of [command.chown, command.chmod, command.kind === 'ADD' ? command.checksum : undefined]) if (flag !== undefined) this.expand(flag);
        for (const source of command.sources) this.expand(source);
        this.expand(command.dest);
        for (const file of command.inline) if (file.expand) this.expand(file.content, this.rawLexer);
        break;
      }
      case 'WORKDIR': {
        const path = this.expand(command.path);
        if (path.certain && !this.state.workdirSet && !path.word.startsWith('/')) this.report('WorkdirRelativePath', MESSAGES.WorkdirRelativePath(path.word));
        this.state.workdirSet = true;
        break;
      }
      case 'USER':
        this.expand(command.user);
        break;
      case 'VOLUME':
        for (const volume of command.volumes) this.expand(volume);
        break;
      case 'STOPSIGNAL':
        this.expand(command.signal);
        break;
      case 'RUN':
        for (const mount of command.mounts) for (const field of mount.split(',')) if (field.includes('=')) this.expand(field.slice(field.indexOf('=') + 1));
        break;
      case 'CMD':
      case 'ENTRYPOINT':
        this.usedOnce(command.kind, keyword);
        if (command.prependShell && this.state.shell.length === 0) this.report('JSONArgsRecommended', MESSAGES.JSONArgsRecommended(keyword));
        break;
      case 'HEALTHCHECK':
        this.usedOnce('HEALTHCHECK', keyword);
        break;
      case 'EXPOSE':
        for (const port of this.current.node.args) this.checkExpose(port);
        break;
      case 'SHELL':
        this.state.shell = command.shell;
        break;
      case 'MAINTAINER':
      case 'ONBUILD':
        break;
    }
  }

  private report(rule: Parameters<CheckReporter['report']>[0], message: string, range: LineRange = this.range): void {
    this.inputs.reporter.report(rule, message, range, this.config);
  }

  /**
   * Expands a word against the stage's environment and reports the undefined variables it uses
   * (unless `quiet`: EXPOSE expands its words without reporting them, as BuildKit does).
   */
  private expand(word: string, lexer: ShellLexer = this.inputs.lexer, quiet = false): Expanded {
    const { env, envKnown, uncertain, declared } = this.state;
    let result;
    try {
      result = lexer.processWordWithMatches(word, env);
    } catch (err) {
      if (err instanceof ShellExpansionError) throw new StopDispatch();
      throw err;
    }
    if (envKnown && !quiet) {
      for (const name of result.unmatched) {
        if (declared.includes(name) || NON_ENV_ARGS.has(name)) continue;
        this.report('UndefinedVar', MESSAGES.UndefinedVar(name, suggestName(name, env.keys())));
      }
    }
    const certain = envKnown || (result.unmatched.size === 0 && ![...result.matched].some((name) => uncertain.has(name)));
    return { word: result.word, certain };
  }

  /** ENV and LABEL: keys and values are all expanded before any is set. */
  private expandPairs(pairs: readonly KeyValue[]): { key: Expanded; value: Expanded }[] {
    return pairs.map(({ key, value }) => ({ key: this.expand(key), value: this.expand(value) }));
  }

  /** The parser gives ENV/LABEL as (key, value, separator) triples; `KEY value` has no `=`. */
  private hasLegacySeparator(pair: number): boolean {
    return this.current.node.args[pair * 3 + 2] === '';
  }

  private set(key: string, value: Expanded): void {
    this.state.env.set(key, value.word);
    if (value.certain) this.state.uncertain.delete(key);
    else this.state.uncertain.add(key);
  }

  private declareArg(key: string, defaultValue: string | undefined): void {
    this.checkSecret('ARG', key);
    const { buildArgs, globals } = this.inputs;
    let value: Expanded | undefined;
    if (Object.hasOwn(buildArgs, key)) value = { word: buildArgs[key]!, certain: true };
    else if (defaultValue !== undefined) value = this.expand(defaultValue);
    else if (globals.has(key)) value = { word: globals.get(key)!, certain: true };
    if (value && !NON_ENV_ARGS.has(key)) this.set(key, value);
    this.state.declared.push(key);
  }

  private checkSecret(instruction: 'ARG' | 'ENV', key: string): void {
    if (SECRET_WORDS.test(key) && !NOT_SECRET_WORDS.test(key)) this.report('SecretsUsedInArgOrEnv', MESSAGES.SecretsUsedInArgOrEnv(instruction, key));
  }

  /** CMD, ENTRYPOINT, HEALTHCHECK: a second one makes the first useless; the first is reported. */
  private usedOnce(kind: 'CMD' | 'ENTRYPOINT' | 'HEALTHCHECK', keyword: string): void {
    const previous = this.lastSet.get(kind);
    if (previous) this.report('MultipleInstructionsDisallowed', MESSAGES.MultipleInstructionsDisallowed(keyword), previous);
    this.lastSet.set(kind, this.range);
  }

  /** `[ip:][hostPort:]containerPort[/proto]`, after expansion and word splitting. */
  private checkExpose(raw: string): void {
    const { certain } = this.expand(raw, this.inputs.lexer, true);
    let words: string[];
    try {
      words = this.inputs.lexer.processWords(raw, this.state.env);
    } catch {
      throw new StopDispatch();
    }
    for (const spec of words) {
      const parts = spec.split(':');
      const containerPart = parts.at(-1)!;
      const hostPort = parts.length >= 2 ? parts.at(-2)! : '';
      const ip = parts.length >= 3 ? parts.slice(0, -2).join(':') : '';
      const slash = containerPart.indexOf('/');
      const port = slash < 0 ? containerPart : containerPart.slice(0, slash);
      const proto = slash < 0 ? '' : containerPart.slice(slash + 1);
      // An invalid port or protocol fails the build before the rules look at it.
      if (port === '' || !['', 'tcp', 'udp', 'sctp'].includes(proto.toLowerCase())) throw new StopDispatch();
      if (!certain) continue;
      if (proto !== proto.toLowerCase()) this.report('ExposeProtoCasing', MESSAGES.ExposeProtoCasing(spec));
      if (ip !== '' || hostPort !== '') this.report('ExposeInvalidFormat', MESSAGES.ExposeInvalidFormat(spec));
    }
  }
}
