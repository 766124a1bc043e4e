import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageConfigFile } from './config';

/**
 * The config files of images Slipway made, by image ID, on disk: newer engines cannot hand an
 * image's config file back, and every child image is derived from its parent's.
 */
export class ConfigStore {
  private readonly memory = new Map<string, ImageConfigFile>();
  constructor(private readonly dir: string) {}

  async get(imageId: string): Promise<ImageConfigFile | undefined> {
    const cached = this.memory.get(imageId);
    if (cached) return cached;
    try {
      const file = JSON.parse(await readFile(this.path(imageId), 'utf8')) as ImageConfigFile;
      this.memory.set(imageId, file);
      return file;
    } catch {
      return undefined; // missing or torn: the caller reconstructs it from the engine
    }
  }

  async put(imageId: string, file: ImageConfigFile): Promise<void> {
    this.memory.set(imageId, file);
    await mkdir(this.dir, { recursive: true });
    // A name of its own per write: two stages of one build may store the same image's config at once.
    const tmp = `${this.path(imageId)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(file));
      await rename(tmp, this.path(imageId));
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => {});
      throw err;
    }
  }

  private path(imageId: string): string {
    return join(this.dir, `${imageId.replace(/^sha256:/, '')}.json`);
  }
}
