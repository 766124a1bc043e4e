/**
 * What the builder needs from an engine, as small interfaces (TypeScript counterparts of moby's
 * builder.Backend, ImageBackend and ExecBackend, shaped for what the Engine API allows). The
 * dockerode implementation lives in electron/docker; another engine can implement these too.
 */
import type { Readable } from 'node:stream';
import type { ImageConfigFile, RunConfig } from './image/config';
import type { RunMountBackend } from './run/backend';

export interface Image {
  id: string;
  config: RunConfig;
  os: string;
  architecture: string;
  /** Layer digests (uncompressed), oldest first. */
  diffIds: string[];
  size: number;
}

export interface ImageBackend {
  /** A local image by name or ID, or undefined when the engine has none. */
  findImage(ref: string): Promise<Image | undefined>;
  /** Pulls `ref` (PreferLocal is the caller's business); progress lines go to `onProgress`. */
  pullImage(ref: string, onProgress: (line: string) => void, signal?: AbortSignal): Promise<void>;
  /** The image's config file: what a child image's config is derived from. */
  imageConfigFile(id: string): Promise<ImageConfigFile>;
  /** A new image from a config file whose layers already exist on the engine (a metadata step). */
  createImage(config: ImageConfigFile, parent: string): Promise<Image>;
  /** Commits a container's filesystem changes as a child image with exactly `config`. */
  commit(containerId: string, request: CommitRequest): Promise<Image>;
  tagImage(id: string, tag: string): Promise<void>;
  removeImage(id: string): Promise<void>;
}

export interface CommitRequest {
  /** The image config the step must produce. */
  config: RunConfig;
  /** The step's probe config, recorded as the image's container_config (and its history text). */
  containerConfig: RunConfig;
  author: string;
  parent: string;
  /** The Cmd the container ran with (the engine's history text for the commit). */
  containerCmd: string[] | null;
  /** COPY and ADD always add a layer, even an empty one, as the classic builder does. */
  alwaysLayer?: boolean;
}

/** Labels and name Slipway gives every container it creates, so a sweep can find leftovers. */
export interface ContainerOwner {
  buildId: string;
  stepId: string;
}

export interface ContainerSpec {
  image: string;
  config: RunConfig;
  owner: ContainerOwner;
  /** Extra host settings (network mode, mounts) from RUN flags or build options. */
  host?: Record<string, unknown>;
}

export interface ContainerOutput {
  stdout: (chunk: Buffer) => void;
  stderr: (chunk: Buffer) => void;
}

export interface PathStat {
  name: string;
  size: number;
  mode: number;
  isDirectory: boolean;
  linkTarget: string;
}

export interface PathChange {
  path: string;
  kind: 'added' | 'modified' | 'deleted';
}

/** An interactive shell session in a container (TTY). */
export interface Shell {
  output: NodeJS.ReadableStream;
  write(data: string): void;
  resize(cols: number, rows: number): Promise<void>;
  /** The shell's exit code once it ends (null if unknown). */
  ended: Promise<number | null>;
  close(): Promise<void>;
}

export interface ExecBackend {
  createContainer(spec: ContainerSpec): Promise<string>;
  /** Attaches to stdout/stderr before start; resolves once attached, `ended` when the streams close. */
  attach(id: string, output: ContainerOutput): Promise<{ ended: Promise<void> }>;
  start(id: string): Promise<void>;
  /** The exit code, once the container stops. */
  wait(id: string): Promise<number>;
  kill(id: string): Promise<void>;
  /** Removes the container and its anonymous volumes; a missing container is not an error. */
  remove(id: string): Promise<void>;
  putArchive(id: string, path: string, tar: Readable): Promise<void>;
  getArchive(id: string, path: string): Promise<Readable>;
  /** Stat of a path in the container's filesystem, or undefined if it does not exist. */
  statPath(id: string, path: string): Promise<PathStat | undefined>;
  /** The container's filesystem changes against its image (the engine's container diff). */
  changes(id: string): Promise<PathChange[]>;
  /** An interactive `sh` in a running container. */
  openShell(id: string, size: { cols: number; rows: number }): Promise<Shell>;
}

export interface Backend {
  images: ImageBackend;
  containers: ExecBackend;
  /** Volumes and layer edits for `RUN --mount`; without them such a RUN is refused. */
  mounts?: RunMountBackend;
}
