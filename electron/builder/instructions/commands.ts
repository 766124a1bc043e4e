/**
 * The typed model of a Dockerfile: one variant per instruction (a discriminated union on
 * `kind`), with flags parsed. Values are as written: variable expansion happens at dispatch,
 * against the stage's environment, as in the classic builder.
 */
import type { LineRange } from '../errors';
export { INSTRUCTION_KINDS, type InstructionKind } from '../../../shared/graph';

interface Base {
  /** The instruction as written, continuations joined (for `Step i/N : ...` and errors). */
  original: string;
  range: LineRange;
}

export interface KeyValue {
  key: string;
  value: string;
}

/** Shell form (prepended with SHELL at dispatch) or exec form (JSON array). */
export interface CommandLine {
  args: string[];
  prependShell: boolean;
}

export interface InlineFile {
  name: string;
  content: string;
  /** `<<-`: leading tabs are stripped. */
  chomp: boolean;
  /** Unquoted delimiter: the content is expanded. */
  expand: boolean;
}

export interface FromCommand extends Base {
  kind: 'FROM';
  baseName: string;
  /** Lower-cased `AS` name. */
  stageName?: string;
  platform?: string;
}

export interface RunCommand extends Base, CommandLine {
  kind: 'RUN';
  /** Heredoc bodies: `RUN <<EOF` runs the first as a script; others are files for the command. */
  files: InlineFile[];
  /** Raw `--mount` values (BuildKit syntax), read by run/mount-options (checked as written at parse, expanded at dispatch). */
  mounts: string[];
  network?: 'default' | 'none' | 'host';
  security?: 'sandbox' | 'insecure';
  /** Every flag that was given, for "the --X option requires BuildKit"-style checks. */
  flagsUsed: string[];
}

export interface CmdCommand extends Base, CommandLine {
  kind: 'CMD';
}

export interface EntrypointCommand extends Base, CommandLine {
  kind: 'ENTRYPOINT';
}

export interface LabelCommand extends Base {
  kind: 'LABEL';
  labels: KeyValue[];
}

export interface MaintainerCommand extends Base {
  kind: 'MAINTAINER';
  maintainer: string;
}

export interface ExposeCommand extends Base {
  kind: 'EXPOSE';
  /** Sorted, as the classic builder stores them; expanded and split at dispatch. */
  ports: string[];
}

export interface EnvCommand extends Base {
  kind: 'ENV';
  env: KeyValue[];
}

interface SourcesAndDest {
  /** Context paths, URLs or (for `--from`) paths in another stage or image. */
  sources: string[];
  /** Heredoc sources (`COPY <<EOF /dest`). */
  inline: InlineFile[];
  dest: string;
  chown?: string;
  chmod?: string;
  link: boolean;
  exclude: string[];
}

export interface AddCommand extends Base, SourcesAndDest {
  kind: 'ADD';
  keepGitDir: boolean;
  checksum?: string;
  unpack?: boolean;
  flagsUsed: string[];
}

export interface CopyCommand extends Base, SourcesAndDest {
  kind: 'COPY';
  from?: string;
  parents: boolean;
  flagsUsed: string[];
}

export interface VolumeCommand extends Base {
  kind: 'VOLUME';
  volumes: string[];
}

export interface UserCommand extends Base {
  kind: 'USER';
  user: string;
}

export interface WorkdirCommand extends Base {
  kind: 'WORKDIR';
  path: string;
}

export interface ArgCommand extends Base {
  kind: 'ARG';
  args: { key: string; value?: string }[];
}

export interface OnbuildCommand extends Base {
  kind: 'ONBUILD';
  /** The trigger as written, without `ONBUILD`: stored in the image, parsed when a child builds. */
  expression: string;
}

export interface StopSignalCommand extends Base {
  kind: 'STOPSIGNAL';
  signal: string;
}

/** Durations in nanoseconds, as the Engine API wants them; 0 = unset (the engine's default). */
export interface HealthConfig {
  test: string[];
  interval?: number;
  timeout?: number;
  startPeriod?: number;
  startInterval?: number;
  retries?: number;
}

export interface HealthcheckCommand extends Base {
  kind: 'HEALTHCHECK';
  health: HealthConfig;
}

export interface ShellCommand extends Base {
  kind: 'SHELL';
  shell: string[];
}

/** Every instruction but FROM, which starts a stage instead. */
export type Command =
  | RunCommand
  | CmdCommand
  | EntrypointCommand
  | LabelCommand
  | MaintainerCommand
  | ExposeCommand
  | EnvCommand
  | AddCommand
  | CopyCommand
  | VolumeCommand
  | UserCommand
  | WorkdirCommand
  | ArgCommand
  | OnbuildCommand
  | StopSignalCommand
  | HealthcheckCommand
  | ShellCommand;

export type Instruction = FromCommand | Command;

/** A FROM and the commands up to the next FROM. */
export interface Stage {
  /** Position in the Dockerfile, from 0 (what `COPY --from=0` refers to). */
  index: number;
  from: FromCommand;
  commands: Command[];
}

export interface Dockerfile {
  /** ARGs before the first FROM: visible to FROM lines, and to stages that redeclare them. */
  metaArgs: ArgCommand[];
  stages: Stage[];
}
