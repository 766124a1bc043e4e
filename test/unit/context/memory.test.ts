/** Packing and hashing stream: memory must not grow with the size of a file. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContextSource } from '../../../electron/builder/context';
import { tempDir } from './helpers';

const SIZE = 300 * 1024 * 1024;
const MAX_GROWTH = 64 * 1024 * 1024;

/** Runs `work` and reports the highest RSS growth seen while it ran. */
async function rssGrowth(work: () => Promise<void>): Promise<number> {
  globalThis.gc?.();
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage().rss) - start;
}

describe('memory', () => {
  it('packs and hashes a 300 MiB file with flat memory', async () => {
    const root = await tempDir();
    const file = path.join(root, 'big.bin');
    await fs.writeFile(file, '');
    await fs.truncate(file, SIZE); // sparse: no disk space, but reads as 300 MiB of zeros
    const source = await ContextSource.open(root);
    const [entry] = await source.resolve('big.bin');

    let bytes = 0;
    const packGrowth = await rssGrowth(async () => {
      for await (const chunk of source.pack([{ entry: entry!, name: 'big.bin' }])) bytes += (chunk as Buffer).length;
    });
    // Header, content, and the two zero blocks that end the archive.
    expect(bytes).toBe(512 + SIZE + 1024);
    expect(packGrowth).toBeLessThan(MAX_GROWTH);

    let hash = '';
    const hashGrowth = await rssGrowth(async () => {
      hash = await source.hash(entry!);
    });
    expect(hash).toMatch(/^file:[0-9a-f]{64}$/);
    expect(hashGrowth).toBeLessThan(MAX_GROWTH);
  }, 120_000);
});
