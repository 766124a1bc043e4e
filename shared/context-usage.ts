/**
 * The context inspector's answer (`slipway:context:usage`): which COPY/ADD uses which context
 * files, what .dockerignore keeps from the paths they name, and big files no step uses.
 */

/** One COPY/ADD that reads the build context (not `--from`). */
export interface UsageStep {
  stepId: string;
  /** The stage's name or `stage-N`. */
  stage: string;
  kind: 'COPY' | 'ADD';
  /** The instruction as written. */
  instruction: string;
  /** First line in the Dockerfile. */
  line: number;
  /** Files after .dockerignore it copies, and their bytes. */
  files: number;
  bytes: number;
}

/** A .dockerignore line. */
export interface IgnoreRule {
  /** As written (trimmed), `!` kept. */
  pattern: string;
  /** 1-based line in .dockerignore. */
  line: number;
}

export type UsageWarning =
  /** A path a COPY/ADD names exists in the folder, but .dockerignore keeps it from the build. */
  | { kind: 'excluded'; stepId: string; line: number; source: string; path: string; rule?: IgnoreRule; message: string }
  /** A path a COPY/ADD names is neither in the context nor in the folder. */
  | { kind: 'missing'; stepId: string; line: number; source: string; message: string };

export interface UsageFile {
  /** Context-relative path. */
  path: string;
  size: number;
  /** Step ids of the COPY/ADD steps that copy it. */
  usedBy: string[];
}

export interface ContextUsage {
  root: string;
  /** The build's own files in the context: the Dockerfile (when inside) and .dockerignore. */
  buildFiles: string[];
  steps: UsageStep[];
  /** Every file the build would see (after .dockerignore), up to a bound. */
  files: UsageFile[];
  /** More files than `files` holds. */
  truncated: boolean;
  warnings: UsageWarning[];
  /** The largest files no step uses (of at least LARGE_FILE_BYTES), largest first. */
  largeUnused: { path: string; size: number }[];
  /** All files no step uses. */
  unused: { files: number; bytes: number };
}

/** What counts as a large file. */
export const LARGE_FILE_BYTES = 1024 * 1024;
