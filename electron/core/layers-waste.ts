/**
 * Wasted space of an image (pure): bytes a step wrote that a later step of the same image
 * deleted or overwrote. They still ship in the earlier layer, invisible in the final filesystem.
 * Only files Slipway's own steps wrote count: the base image's layers have no recorded diffs.
 */
import type { LayerEntry, WastedFile } from '../../shared/layers';

export interface ChainLayer {
  stepId: string;
  entries: readonly LayerEntry[];
}

export interface Waste {
  total: number;
  /** Largest first. */
  files: WastedFile[];
}

interface Version {
  size: number;
  stepId: string;
}

/** `layers` oldest first: the steps of an image in the order their layers stack. */
export function wastedSpace(layers: readonly ChainLayer[]): Waste {
  // The version of each file the final filesystem would show, if written by one of our steps.
  const live = new Map<string, Version>();
  const files: WastedFile[] = [];
  const waste = (path: string, version: Version, removedBy: string, how: WastedFile['how']) => {
    if (version.size > 0) files.push({ path, size: version.size, stepId: version.stepId, removedBy, how });
  };

  for (const layer of layers) {
    for (const entry of layer.entries) {
      const before = live.get(entry.path);
      if (entry.kind === 'deleted') {
        if (before) {
          waste(entry.path, before, layer.stepId, 'deleted');
          live.delete(entry.path);
        } else {
          // Not a file we know: maybe a directory, whose files go with it.
          const prefix = `${entry.path === '/' ? '' : entry.path}/`;
          for (const [path, version] of live) {
            if (!path.startsWith(prefix)) continue;
            waste(path, version, layer.stepId, 'deleted');
            live.delete(path);
          }
        }
        continue;
      }
      if (before) {
        waste(entry.path, before, layer.stepId, 'overwritten');
        live.delete(entry.path);
      }
      if (!entry.isDirectory && entry.size !== undefined) live.set(entry.path, { size: entry.size, stepId: layer.stepId });
    }
  }

  files.sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : 1));
  return { total: files.reduce((sum, f) => sum + f.size, 0), files };
}
