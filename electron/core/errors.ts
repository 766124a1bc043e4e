/** A build, step, shell or image the caller named does not exist (the bridge's NOT_FOUND). */
export class NotFoundError extends Error {}
