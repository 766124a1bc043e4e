/**
 * The build graph: what `slipway outline` prints, what the builder schedules and what the
 * renderer draws. Produced by electron/builder/graph from a Dockerfile.
 */
import type { LineRange } from './contract';

export const INSTRUCTION_KINDS = [
  'FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT',
  'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
] as const;
export type InstructionKind = (typeof INSTRUCTION_KINDS)[number];

export type BaseRef = { kind: 'image'; ref: string } | { kind: 'stage'; stage: number } | { kind: 'scratch' };
export type EdgeKind = 'order' | 'from-stage' | 'copy-from' | 'mount-from';

export interface GraphStage {
  index: number;
  /** The `AS` name, or `stage-N`: what step ids and display names use. */
  key: string;
  name?: string;
  base: BaseRef;
  platform?: string;
  range: LineRange;
  stepIds: string[];
}

export interface GraphStep {
  /** `<stage key>:<position>`: stable for a given Dockerfile, and across edits of other stages. */
  id: string;
  stage: number;
  /** 1-based within its stage; the FROM is 1. */
  position: number;
  kind: InstructionKind;
  /** `[builder 2/3] RUN make` */
  name: string;
  /** The instruction as written, continuations joined. */
  text: string;
  range: LineRange;
  dependsOn: string[];
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
}

export interface BuildArgDeclaration {
  name: string;
  default?: string;
  /** `global` for meta-ARGs before the first FROM, else the stage key. */
  scope: string;
  line: number;
}

export interface BuildGraph {
  stages: GraphStage[];
  steps: GraphStep[];
  edges: GraphEdge[];
  /** Index of the stage being built. */
  target: number;
  /** Stage names that can be given as `--target`. */
  targets: string[];
  buildArgs: BuildArgDeclaration[];
}
