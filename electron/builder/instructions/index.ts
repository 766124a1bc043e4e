export * from './commands';
export { parseInstructions, parseInstruction } from './parse';
export { parseGoDuration } from './duration';
