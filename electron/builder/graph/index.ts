export { buildGraph, type GraphOptions } from './graph';
export { resolveMetaArgs } from './meta-args';
export type * from '../../../shared/graph';
