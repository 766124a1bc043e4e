import type { LineRange } from '../../shared/contract';

export type { LineRange };

/** Every user-facing Dockerfile problem: a message a user understands, and where it is. */
export class DockerfileError extends Error {
  override readonly name = 'DockerfileError';
  constructor(
    message: string,
    readonly range?: LineRange,
  ) {
    super(message);
  }

  /** `Dockerfile:12: message`, the way build tools print it. */
  override toString(file = 'Dockerfile'): string {
    if (!this.range) return this.message;
    const { start, end } = this.range;
    return `${file}:${start === end ? start : `${start}-${end}`}: ${this.message}`;
  }
}
