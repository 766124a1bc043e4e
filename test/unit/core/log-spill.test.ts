import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogSpill, stepLogPath } from '../../../electron/core/log-spill';
import type { BuildEvent } from '../../../shared/events';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const log = (stepId: string, text: string, stream: 'stdout' | 'stderr' = 'stdout'): BuildEvent => ({ type: 'step-log', buildId: 'b', time: 1, stepId, stream, text });
const done = (stepId: string): BuildEvent => ({ type: 'step-done', buildId: 'b', time: 2, stepId, imageId: 'sha256:x', cached: false, size: 0, durationMs: 1 });

async function spillWith(headBytes: number, tailBytes: number) {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-spill-'));
  dirs.push(dir);
  const passed: BuildEvent[] = [];
  const spill = new LogSpill(join(dir, 'logs'), { headBytes, tailBytes });
  return { dir: join(dir, 'logs'), passed, feed: (e: BuildEvent) => spill.filter(e, (p) => passed.push(p)), spill };
}

const texts = (events: BuildEvent[]) => events.flatMap((e) => (e.type === 'step-log' ? [e.text] : []));

describe('LogSpill', () => {
  it('passes a step output that fits the head on untouched, and writes no file', async () => {
    const { passed, feed, spill, dir } = await spillWith(100, 50);
    const events = [log('s1', 'one\n'), log('s1', 'two\n', 'stderr'), done('s1')];
    events.forEach(feed);
    await spill.close();
    expect(passed).toEqual(events);
    expect(spill.spilled('s1')).toBeUndefined();
    await expect(readFile(stepLogPath(dir, 's1'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('holds back output past the head, keeps all of it in a file, and sends a note and the tail at the step end', async () => {
    const { passed, feed, spill, dir } = await spillWith(10, 12);
    const lines = Array.from({ length: 20 }, (_, i) => `line ${String(i).padStart(2, '0')}\n`); // 8 characters each
    for (const line of lines) feed(log('stage-0:2', line));
    expect(texts(passed)).toEqual([lines[0], expect.stringContaining('This step printed more than')]);
    const other = log('stage-1:1', 'elsewhere\n');
    feed(other);
    feed(done('stage-0:2'));
    await spill.close();

    const path = stepLogPath(dir, 'stage-0:2');
    expect(path.endsWith('stage-0_2.log')).toBe(true);
    expect(await readFile(path, 'utf8')).toBe(lines.join(''));
    const afterEnd = passed.slice(passed.indexOf(other) + 1);
    expect(texts(afterEnd.slice(0, -1))).toEqual([expect.stringContaining(`the complete log (20 lines) is ${path}`), 'line 18\nline 19\n']);
    expect(afterEnd.at(-1)?.type).toBe('step-done');
    expect(passed).toContain(other);
  });

  it('keeps the tail bounded and in order across streams, starting at a line', async () => {
    const { passed, feed, spill } = await spillWith(0, 20);
    for (let i = 0; i < 5000; i++) feed(log('s', `out ${i}\n`, i % 2 ? 'stderr' : 'stdout'));
    feed(done('s'));
    await spill.close();
    const tail = passed.filter((e) => e.type === 'step-log').slice(2);
    expect(tail.map((e) => (e.type === 'step-log' ? [e.stream, e.text] : []))).toEqual([
      ['stderr', 'out 4997\n'],
      ['stdout', 'out 4998\n'],
      ['stderr', 'out 4999\n'],
    ]);
  });
});
