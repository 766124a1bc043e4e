export * from './commands';
export { parseInstructions, parseInstruction } from './parse';
export { parseMount, type MountSpec, type MountType, type CacheSharing } from './mount';
export { parseGoDuration } from './duration';
