/**
 * User-facing build-context errors. Messages use the classic builder's wording where it has one,
 * so they read like `DOCKER_BUILDKIT=0 docker build`; the builder prefixes `COPY failed: ` and
 * adds the Dockerfile line.
 */

export type ContextErrorCode =
  /** The source (or a path it names) is missing from the context, or excluded by .dockerignore. */
  | 'not-found'
  /** The source leaves the context (`..`), loops through symlinks, or walks through a file. */
  | 'forbidden'
  /** A file or directory of the context cannot be read. */
  | 'unreadable'
  /** The file changed while it was hashed or sent. */
  | 'changed'
  /** An entry the classic builder would copy but Slipway cannot (a named pipe, a non-UTF-8 name). */
  | 'unsupported'
  /** The context folder or its .dockerignore is unusable. */
  | 'invalid';

export class ContextError extends Error {
  override readonly name = 'ContextError';

  constructor(
    message: string,
    readonly code: ContextErrorCode = 'invalid',
  ) {
    super(message);
  }
}

/** copy.go's message for a missing source; `path` is the source as written, minus a leading `/` or `./`. */
export function notFoundError(path: string): ContextError {
  return new ContextError(
    `file not found in build context or excluded by .dockerignore: stat ${path}: file does not exist`,
    'not-found',
  );
}

/**
 * remotecontext.FullPath's message. The engine prints the resolved path in the parentheses, but
 * it is always empty there because the resolver failed (checked on a real engine): `(…)` stays
 * empty here too, so messages and logs match.
 */
export function forbiddenPathError(path: string): ContextError {
  return new ContextError(`forbidden path outside the build context: ${path} ()`, 'forbidden');
}

/** The wording of the CLI's context check (ValidateContextDirectory) for an unreadable file. */
export function unreadableFileError(absolutePath: string): ContextError {
  return new ContextError(`no permission to read from '${absolutePath}'`, 'unreadable');
}

/** The CLI's wording for a directory it cannot list. */
export function unreadableDirectoryError(absolutePath: string): ContextError {
  return new ContextError(`can't stat '${absolutePath}'`, 'unreadable');
}

/** A source includes something Slipway cannot copy; the classic builder would have. */
export function unsupportedEntryError(path: string, reason: string): ContextError {
  return new ContextError(`cannot copy ${path} from the build context: ${reason}, which Slipway does not support`, 'unsupported');
}

export function changedFileError(path: string): ContextError {
  return new ContextError(`${path} changed while it was being read from the build context`, 'changed');
}

/** Node's error code, if `err` is a system error. */
export function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}
