/**
 * The build context: a folder read lazily and answered as the engine would see it after a
 * classic `docker build` (.dockerignore applied by the CLI, build files removed by the engine),
 * with the classic builder's source resolution, source hashes and copy archives.
 */
export { ContextSource, type OpenOptions, type ContextWalkOptions } from './source';
export { ContextError, type ContextErrorCode } from './errors';
export type { ContextEntry } from './types';
export type { PackItem, PackOptions } from './pack';
export { combineSourceHashes } from './hash';
export { matchGoPattern, containsWildcards } from './match';
export { readIgnoreFile, PatternMatcher } from './ignore';
