// Dockerfile parser: text -> instructions with line ranges, matching BuildKit's
// frontend/dockerfile/parser (which Docker's classic builder uses).

export { parseDockerfile } from './parse';
export { dumpNode } from './dump';
export { goQuote } from '../go-quote';
export { chompHeredocContent, parseHeredocMarker } from './heredoc';
export type { HeredocMarker } from './heredoc';
export type { Directives, EscapeToken, Heredoc, LineRange, Node, ParseResult, ParseWarning } from './types';
