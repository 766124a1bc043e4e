/**
 * The Dockerfile front end in one call: text -> AST -> typed stages -> build graph, and the
 * build checks' warnings. Pure: no Docker, no file system. Everything the app and the CLI show
 * before a build comes from here.
 */
import type { BuildGraph } from '../../shared/graph';
import { baseImageRefs, checkDockerfile, type BaseImageFacts, type CheckWarning } from './checks';
import { buildGraph, type GraphOptions } from './graph';
import { parseInstructions, type Dockerfile } from './instructions';
import { parseDockerfile, type Directives, type ParseResult } from './parser';

export interface LoadedDockerfile {
  ast: ParseResult;
  dockerfile: Dockerfile;
}

/** Parses and types a Dockerfile; throws DockerfileError with the offending lines. */
export function loadDockerfile(text: string | Uint8Array): LoadedDockerfile {
  const ast = parseDockerfile(text);
  return { ast, dockerfile: parseInstructions(ast) };
}

/**
 * What the build says about a `# syntax=` directive: BuildKit would fetch that frontend image;
 * Slipway reads the Dockerfile with its own frontend instead (once per build, as an info line).
 */
export function syntaxNotice(directives: Directives): string | undefined {
  if (!directives.syntax) return undefined;
  return `# syntax=${directives.syntax}: Slipway builds this Dockerfile with its own frontend (the syntax image is not fetched)`;
}

export interface Outline {
  directives: Directives;
  /** Build checks on the stages the build would run (BuildKit's rules). */
  warnings: CheckWarning[];
  graph: BuildGraph;
}

export interface OutlineOptions extends Omit<GraphOptions, 'escapeToken'> {
  /** What a base image sets, when known (see checks/). */
  baseImage?: (ref: string) => BaseImageFacts | undefined;
}

export function outline(text: string | Uint8Array, options: OutlineOptions = {}): Outline {
  const { baseImage, ...graphOptions } = options;
  const { ast, dockerfile } = loadDockerfile(text);
  const graph = buildGraph(dockerfile, { ...graphOptions, escapeToken: ast.directives.escape });
  const checks = checkDockerfile(text, {
    ...(options.buildArgs ? { buildArgs: options.buildArgs } : {}),
    ...(options.target ? { target: options.target } : {}),
    stages: new Set(graph.stages.map((s) => s.index)),
    ...(baseImage ? { baseImage } : {}),
  });
  // Invalid check options fail the build: the outline says so the same way.
  if (checks.invalidOptions) throw checks.invalidOptions;
  return { directives: ast.directives, warnings: checks.warnings, graph };
}

/** outline(), with the base images looked up by `find` first (a local lookup, nothing pulled). */
export async function outlineWithBaseImages(
  text: string | Uint8Array,
  options: Omit<OutlineOptions, 'baseImage'>,
  find: (ref: string) => Promise<BaseImageFacts | undefined>,
): Promise<Outline> {
  const first = outline(text, options);
  const refs = baseImageRefs(text, { ...(options.buildArgs ? { buildArgs: options.buildArgs } : {}), stages: new Set(first.graph.stages.map((s) => s.index)) });
  if (refs.length === 0) return first;
  const found = await Promise.all(refs.map((ref) => find(ref).catch(() => undefined)));
  const facts = new Map(refs.map((ref, i) => [ref, found[i]]));
  return outline(text, { ...options, baseImage: (ref) => facts.get(ref) });
}
