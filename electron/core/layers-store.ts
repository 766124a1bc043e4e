/**
 * Recorded layer diffs on disk, one JSON file per image in `$SLIPWAY_HOME/builds/layers`, next
 * to the builds' event logs. Keyed by image, not by build: a later build that hits the cache on
 * that image shows the diff recorded when it was built.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayerRecord, LayerSink } from '../builder/layers';

export class LayerStore implements LayerSink {
  constructor(readonly dir: string) {}

  async save(record: LayerRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const path = this.pathOf(record.imageId);
    // Written aside and renamed: a reader never sees half a file.
    const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, JSON.stringify(record));
    await rename(temp, path);
  }

  /** The record of the step that made `imageId`, or undefined if none was kept. */
  async load(imageId: string): Promise<LayerRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.pathOf(imageId), 'utf8')) as LayerRecord;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  private pathOf(imageId: string): string {
    const hex = imageId.replace(/^sha256:/, '');
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`not an image id: ${imageId}`);
    return join(this.dir, `${hex}.json`);
  }
}
