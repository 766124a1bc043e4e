import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { BuildEvent } from '../../shared/events';

/**
 * A build's events on disk, one JSON line each, so a reloaded renderer (or a second window)
 * catches up from any point, and a build's log never has to fit in memory.
 */
export class EventLog {
  private stream: WriteStream | undefined;
  private written: Promise<void> = Promise.resolve();
  count = 0;

  constructor(readonly path: string) {}

  static async create(dir: string, buildId: string): Promise<EventLog> {
    await mkdir(dir, { recursive: true });
    return new EventLog(join(dir, `${buildId}.jsonl`));
  }

  append(event: BuildEvent): void {
    this.stream ??= createWriteStream(this.path, { flags: 'a' });
    const stream = this.stream;
    this.written = new Promise((resolve) => stream.write(`${JSON.stringify(event)}\n`, () => resolve()));
    this.count++;
  }

  /** Events from sequence number `from` on (written ones only: call after `flush`). */
  async read(from: number): Promise<BuildEvent[]> {
    await this.flush();
    if (this.count === 0) return [];
    const out: BuildEvent[] = [];
    let index = 0;
    const lines = createInterface({ input: createReadStream(this.path), crlfDelay: Infinity });
    for await (const line of lines) {
      if (index++ >= from && line) out.push(JSON.parse(line) as BuildEvent);
    }
    return out;
  }

  /** Resolves once every appended event is in the file. */
  flush(): Promise<void> {
    return this.written;
  }

  async close(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    if (stream) await new Promise<void>((resolve) => stream.end(resolve));
  }
}
