import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Batcher } from '../../../electron/core/batcher';
import { EventLog } from '../../../electron/core/event-log';
import type { BuildEvent } from '../../../shared/events';

describe('Batcher', () => {
  it('delivers items together after the interval, not one by one', () => {
    vi.useFakeTimers();
    const batches: number[][] = [];
    const batcher = new Batcher<number>((items) => batches.push(items), 50, 1000);
    for (let i = 0; i < 10; i++) batcher.push(i);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(batches).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
    vi.useRealTimers();
  });

  it('flushes at once when the batch is full', () => {
    const batches: number[][] = [];
    const batcher = new Batcher<number>((items) => batches.push(items), 50, 3);
    [1, 2, 3, 4].forEach((i) => batcher.push(i));
    expect(batches).toEqual([[1, 2, 3]]);
    batcher.flush();
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });
});

describe('EventLog', () => {
  it('reads back every event from any sequence number', async () => {
    const log = await EventLog.create(await mkdtemp(join(tmpdir(), 'log-')), 'b1');
    const events: BuildEvent[] = Array.from({ length: 5 }, (_, i) => ({ type: 'step-log', buildId: 'b1', time: i, stepId: 's:1', stream: 'stdout', text: `line ${i}\n` }));
    events.forEach((e) => log.append(e));
    expect(await log.read(0)).toEqual(events);
    expect(await log.read(3)).toEqual(events.slice(3));
    await log.close();
  });

  it('is empty before anything was written', async () => {
    const log = await EventLog.create(await mkdtemp(join(tmpdir(), 'log-')), 'b2');
    expect(await log.read(0)).toEqual([]);
  });
});
