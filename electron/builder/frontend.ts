/**
 * The Dockerfile front end in one call: text -> AST -> typed stages -> build graph. Pure: no
 * Docker, no file system. Everything the app and the CLI show before a build comes from here.
 */
import type { BuildGraph } from '../../shared/graph';
import { buildGraph, type GraphOptions } from './graph';
import { parseInstructions, type Dockerfile } from './instructions';
import { parseDockerfile, type Directives, type ParseResult, type ParseWarning } from './parser';

export interface LoadedDockerfile {
  ast: ParseResult;
  dockerfile: Dockerfile;
}

/** Parses and types a Dockerfile; throws DockerfileError with the offending lines. */
export function loadDockerfile(text: string | Uint8Array): LoadedDockerfile {
  const ast = parseDockerfile(text);
  return { ast, dockerfile: parseInstructions(ast) };
}

export interface Outline {
  directives: Directives;
  warnings: ParseWarning[];
  graph: BuildGraph;
}

export function outline(text: string | Uint8Array, options: Omit<GraphOptions, 'escapeToken'> = {}): Outline {
  const { ast, dockerfile } = loadDockerfile(text);
  return {
    directives: ast.directives,
    warnings: ast.warnings,
    graph: buildGraph(dockerfile, { ...options, escapeToken: ast.directives.escape }),
  };
}
