import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ImageLedger, parseLedger } from '../../../electron/docker/image-ledger';
import { processOwner } from '../../../electron/docker/containers';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const id = (c: string) => `sha256:${c.repeat(64)}`;

describe('the image ledger', () => {
  it('writes what a build made and kept, one line each, and knows what it did not keep', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-ledger-'));
    dirs.push(dir);
    const ledger = await ImageLedger.open(dir, 'build1');
    await ledger.noteMade(id('a'));
    await ledger.noteMade(id('b'));
    await ledger.noteMade(id('a'));
    await ledger.noteKept(id('a'));
    await ledger.noteKept(id('c')); // not made by this build: not its to keep
    expect(ledger.unkept()).toEqual([id('b')]);
    const text = await readFile(join(dir, 'build1.jsonl'), 'utf8');
    expect(text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown)).toEqual([
      { owner: processOwner(), buildId: 'build1' },
      { made: id('a') },
      { made: id('b') },
      { kept: id('a') },
    ]);
    expect(parseLedger(text)).toEqual({ owner: processOwner(), made: [id('a'), id('b')], kept: new Set([id('a')]) });
    await ledger.discard();
    await expect(readFile(join(dir, 'build1.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reads a ledger cut short, skipping the torn line and anything that is not an image id', () => {
    const text = `{"owner":"host/42","buildId":"b"}\n{"made":"${id('a')}"}\n{"made":"not-an-id"}\n{"kept":"${id('a')}"}\n{"made":"${id('b')}"}\n{"made":"sha256:12`;
    expect(parseLedger(text)).toEqual({ owner: 'host/42', made: [id('a'), id('b')], kept: new Set([id('a')]) });
    expect(parseLedger('garbage')).toEqual({ made: [], kept: new Set() });
  });
});
