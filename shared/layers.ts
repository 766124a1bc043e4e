/**
 * What a step's layer changed (the engine's container diff, with sizes) and the space an image
 * wastes on files a later step deletes or overwrites. Produced in the main process
 * (electron/builder/layers*, electron/core/layers*), shown by renderer/src/layers and /profile.
 */

export type ChangeKind = 'added' | 'modified' | 'deleted';

export interface LayerEntry {
  /** Absolute path in the image, e.g. `/etc/passwd`. */
  path: string;
  kind: ChangeKind;
  /** Bytes of a file (0 for links and directories); absent for deleted paths and unread sizes. */
  size?: number;
  isDirectory?: boolean;
}

export interface LayerDiff {
  /** Sorted by path. */
  entries: LayerEntry[];
  /** True when the step changed more paths than Slipway keeps (the rest are left out). */
  truncated: boolean;
  /** Added or modified files whose sizes were not read (big steps: beyond the cap). */
  unsized: number;
  /** Bytes this step's layer adds to the image. */
  layerSize: number;
}

/** What `slipway:step:layer` answers. */
export type StepLayer =
  | {
      available: true;
      /** `built`: recorded when this build committed the step; `cache`: when the cached image was built. */
      source: 'built' | 'cache';
      imageId: string;
      recordedAt: number;
      diff: LayerDiff;
    }
  | { available: false; reason: string };

/** A file a step wrote that a later step of the same image deleted or overwrote. */
export interface WastedFile {
  path: string;
  size: number;
  /** The step that wrote this version. */
  stepId: string;
  /** The later step that deleted or overwrote it. */
  removedBy: string;
  how: 'deleted' | 'overwritten';
}

/** Wasted space of one stage's image (its steps and those of the stages it is built FROM). */
export interface ImageWaste {
  stage: number;
  stageKey: string;
  /** Whether this stage's image is the build's result. */
  target: boolean;
  total: number;
  /** Largest first; at most a few hundred (`more` says how many were left out). */
  files: WastedFile[];
  more: number;
  /** Steps in the chain that changed files but have no recorded diff (their waste is unknown). */
  unknownSteps: string[];
}
