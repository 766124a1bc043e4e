/**
 * Dockerfile word expansion (quotes, escapes, `$VAR` / `${VAR...}`, word splitting) with
 * the semantics of buildkit's shell lexer, frontend/dockerfile/shell/lex.go.
 */
export { ShellLexer, type LexerOptions, type WordResult } from './lexer';
export type { ShellEnv } from './expansion';
export { ShellExpansionError } from './errors';
