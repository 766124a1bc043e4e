import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { Identity } from './chown';
import type { CopyItem } from './items';

/**
 * A heredoc source (`COPY <<EOF /path`): a file named after the heredoc, 0644 like BuildKit's
 * inline documents, owned by root or the --chown identity.
 */
export function inlineItem(name: string, content: string): CopyItem {
  const body = Buffer.from(content, 'utf8');
  return {
    hash: `file:${createHash('sha256').update(body).digest('hex')}`,
    kind: 'file',
    name,
    archive: false,
    async tar(target: string, identity: Identity | undefined) {
      const pack = tar.pack();
      const header = { name: target.replace(/^\/+/, ''), size: body.length, mode: 0o644, uid: identity?.uid ?? 0, gid: identity?.gid ?? 0, mtime: new Date() };
      pack.entry(header, body);
      pack.finalize();
      return pack as unknown as Readable;
    },
    raw: () => {
      throw new Error('not an archive');
    },
  };
}
