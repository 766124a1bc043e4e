/**
 * Drops entries from a tar stream without rewriting the rest: kept entries go through byte for
 * byte (with their PAX and GNU long-name headers), so a layer keeps its owners, modes, mtimes,
 * xattrs, hard links and devices exactly. Used to take the engine's mount points out of a RUN
 * layer. Names are given to `drop` without a leading `./` or `/` and without a trailing `/`.
 */
const BLOCK = 512;

type State =
  | { kind: 'header' }
  | { kind: 'extension'; type: string; remaining: number; padding: number; data: Buffer[] }
  | { kind: 'body'; keep: boolean; remaining: number }
  | { kind: 'end' };

export class TarFilter {
  private buffered: Buffer = Buffer.alloc(0);
  private state: State = { kind: 'header' };
  /** Extension headers (raw bytes) waiting for the entry they describe. */
  private pending: Buffer[] = [];
  private pendingName: string | undefined;
  private pendingPaxPath: string | undefined;
  /** Global PAX headers apply to what follows: always kept. */
  kept = 0;
  dropped = 0;

  constructor(private readonly drop: (name: string) => boolean) {}

  /** Feeds a chunk; returns what to write out. */
  push(chunk: Buffer): Buffer[] {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const out: Buffer[] = [];
    for (;;) {
      const state = this.state;
      if (state.kind === 'end') {
        this.buffered = Buffer.alloc(0);
        return out;
      }
      if (state.kind === 'body') {
        if (state.remaining === 0) {
          this.state = { kind: 'header' };
          continue;
        }
        if (this.buffered.length === 0) return out;
        const n = Math.min(state.remaining, this.buffered.length);
        if (state.keep) out.push(this.buffered.subarray(0, n));
        this.buffered = this.buffered.subarray(n);
        state.remaining -= n;
        continue;
      }
      if (state.kind === 'extension') {
        const need = state.remaining + state.padding;
        if (this.buffered.length < need) return out;
        const raw = this.buffered.subarray(0, need);
        this.pending.push(Buffer.from(raw));
        state.data.push(raw.subarray(0, state.remaining));
        this.buffered = this.buffered.subarray(need);
        this.readExtension(state.type, Buffer.concat(state.data));
        this.state = { kind: 'header' };
        continue;
      }
      if (this.buffered.length < BLOCK) return out;
      const header = this.buffered.subarray(0, BLOCK);
      this.buffered = this.buffered.subarray(BLOCK);
      if (header.every((b) => b === 0)) {
        this.state = { kind: 'end' };
        continue;
      }
      const type = String.fromCharCode(header[156]!) || '0';
      const size = readSize(header);
      const padded = Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'x' || type === 'L' || type === 'K') {
        this.pending.push(Buffer.from(header));
        this.state = { kind: 'extension', type, remaining: size, padding: padded - size, data: [] };
        continue;
      }
      if (type === 'g') {
        // A global header is not an entry: keep it, with its data, ahead of whatever follows.
        out.push(Buffer.from(header));
        this.state = { kind: 'body', keep: true, remaining: padded };
        continue;
      }
      const name = normalizeName(this.pendingName ?? this.pendingPaxPath ?? headerName(header));
      const keep = !this.drop(name);
      if (keep) {
        out.push(...this.pending, Buffer.from(header));
        this.kept++;
      } else {
        this.dropped++;
      }
      this.pending = [];
      this.pendingName = undefined;
      this.pendingPaxPath = undefined;
      this.state = { kind: 'body', keep, remaining: hasBody(type) ? padded : 0 };
    }
  }

  /** The end of the archive: two zero blocks. */
  end(): Buffer[] {
    return [Buffer.alloc(BLOCK * 2)];
  }

  private readExtension(type: string, data: Buffer): void {
    if (type === 'L') this.pendingName = cString(data);
    else if (type === 'x') {
      const path = paxRecord(data, 'path');
      if (path !== undefined) this.pendingPaxPath = path;
    }
  }
}

/** Hard links, symlinks, directories, devices and FIFOs carry no data, whatever their size field says. */
function hasBody(type: string): boolean {
  return type === '0' || type === '7' || type === '\0' || type === 'S';
}

function cString(buf: Buffer): string {
  const nul = buf.indexOf(0);
  return buf.subarray(0, nul < 0 ? buf.length : nul).toString('utf8');
}

function headerName(header: Buffer): string {
  const name = cString(header.subarray(0, 100));
  const ustar = header.subarray(257, 262).toString('latin1') === 'ustar';
  const prefix = ustar ? cString(header.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** The size field: octal text, or base-256 when its first byte has the high bit set. */
function readSize(header: Buffer): number {
  const field = header.subarray(124, 136);
  if (field[0]! & 0x80) {
    let n = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const text = cString(field).trim();
  return text ? parseInt(text, 8) : 0;
}

/** One `NN key=value\n` record of a PAX header. */
function paxRecord(data: Buffer, wanted: string): string | undefined {
  let found: string | undefined;
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    if (space < 0) break;
    const length = parseInt(data.subarray(i, space).toString('latin1'), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = data.subarray(space + 1, i + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0 && record.slice(0, eq) === wanted) found = record.slice(eq + 1);
    i += length;
  }
  return found;
}

export function normalizeName(name: string): string {
  let n = name.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
  while (n.length > 1 && n.endsWith('/')) n = n.slice(0, -1);
  return n === '.' ? '' : n;
}
