import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where Slipway keeps its own state: SLIPWAY_HOME, else the XDG cache directory. */
export function slipwayHome(): string {
  if (process.env.SLIPWAY_HOME) return process.env.SLIPWAY_HOME;
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'slipway');
}
