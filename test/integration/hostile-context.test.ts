/**
 * Hostile build contexts, each built by the engine's classic builder and by Slipway: symlinks
 * (absolute, relative, to directories) that lead out of the context, `..` in sources, a 1 GB
 * sparse file, files root can read but nobody else, named pipes and sockets, names with
 * newlines or bytes that are not UTF-8, a context folder that is itself a symlink.
 *
 * Each case ends one of three ways: both builds give the same files; both fail, with the
 * classic builder's message on the COPY's line; or Slipway alone fails, saying why and on which
 * line (what it cannot carry: named pipes, non-UTF-8 names). Whatever happens, nothing from
 * outside the context reaches a Slipway image: every case has a secret next to the context, and
 * no image may contain it or the host's /etc/passwd.
 *
 * Tests run as root, who reads a chmod 000 file: that case checks modes are kept, and the named
 * pipe checks that nothing blocks on a file that cannot be read like a file.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync, appendFileSync, chmodSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { extract as tarExtract, type Header } from 'tar-stream';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { classicBuild, docker, leftovers, slipwayBuild } from './helpers/engine';
import type { FileRecord } from './helpers/image-snapshot';

/** What sits next to every context, for symlinks to reach for. */
const SECRET = `OUTSIDE-THE-CONTEXT-${process.pid}-${Date.now()}`;
const HOST_PASSWD = createHash('sha256').update(readFileSync('/etc/passwd')).digest('hex');

interface Layout {
  /** The context folder. */
  context: string;
  /** Its parent, which holds `secret.txt` and `secret.tar` (outside the context). */
  outside: string;
}

type Outcome =
  /** Both builds succeed and the copied paths hold the same files. */
  | { same: string[] }
  /** Both fail; Slipway with the classic builder's last line of output, on this line. */
  | { bothFail: number }
  /** Only Slipway fails: a clear message (matching this) on this line. */
  | { slipwayFails: RegExp; line: number };

interface Case {
  name: string;
  dockerfile: string;
  setup: (layout: Layout) => void | Promise<void>;
  outcome: Outcome;
  /** Build this folder (relative to the outside folder) instead of the context. */
  buildPath?: string;
  /** The classic builder never finishes this one, so it is not run (see the case). */
  classicHangs?: true;
}

const raw = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
const servers: Server[] = [];

const cases: Case[] = [
  {
    name: 'a symlink to /etc/passwd, copied by name',
    dockerfile: 'COPY leak /x',
    setup: ({ context }) => symlinkSync('/etc/passwd', join(context, 'leak')),
    outcome: { bothFail: 2 },
  },
  {
    name: 'an absolute symlink to a file next to the context',
    dockerfile: 'COPY leak /x',
    setup: ({ context, outside }) => symlinkSync(join(outside, 'secret.txt'), join(context, 'leak')),
    outcome: { bothFail: 2 },
  },
  {
    name: 'a relative symlink that climbs out of the context',
    dockerfile: 'COPY rel /x',
    setup: ({ context }) => symlinkSync('../../../../../secret.txt', join(context, 'rel')),
    outcome: { bothFail: 2 },
  },
  {
    name: 'symlinks leading out, inside a copied directory (copied as links)',
    dockerfile: 'COPY dir /x',
    setup: ({ context, outside }) => {
      mkdirSync(join(context, 'dir'));
      writeFileSync(join(context, 'dir/ok'), 'ok\n');
      symlinkSync('/etc/passwd', join(context, 'dir/passwd'));
      symlinkSync(join(outside, 'secret.txt'), join(context, 'dir/abs'));
      symlinkSync('../../secret.txt', join(context, 'dir/rel'));
    },
    outcome: { same: ['x'] },
  },
  {
    name: 'a directory symlink to /etc, a file through it',
    dockerfile: 'COPY etc/passwd /x',
    setup: ({ context }) => symlinkSync('/etc', join(context, 'etc')),
    outcome: { bothFail: 2 },
  },
  {
    name: 'a directory symlink out of the context, copied whole',
    dockerfile: 'COPY up/ /x/',
    setup: ({ context, outside }) => symlinkSync(outside, join(context, 'up')),
    outcome: { bothFail: 2 },
  },
  {
    name: 'a wildcard through a directory symlink to /etc',
    dockerfile: 'COPY etc/pass* /x/',
    setup: ({ context }) => symlinkSync('/etc', join(context, 'etc')),
    outcome: { bothFail: 2 },
  },
  {
    name: 'COPY ../secret.txt',
    dockerfile: 'COPY ../secret.txt /x',
    setup: () => {},
    outcome: { bothFail: 2 },
  },
  {
    name: 'COPY sub/../../secret.txt',
    dockerfile: 'COPY sub/../../secret.txt /y',
    setup: ({ context }) => mkdirSync(join(context, 'sub')),
    outcome: { bothFail: 2 },
  },
  {
    name: 'COPY sub/../f, which stays inside',
    dockerfile: 'COPY sub/../f /y',
    setup: ({ context }) => {
      mkdirSync(join(context, 'sub'));
      writeFileSync(join(context, 'f'), 'inside\n');
    },
    outcome: { same: ['y'] },
  },
  {
    // The context resolves `link` inside itself, to its own secret.tar; the file system would
    // follow it to the one outside. ADD must read (and unpack) the inside one.
    name: 'ADD of a symlink to an archive, with a decoy of the same name outside',
    dockerfile: 'ADD link /x/',
    setup: ({ context }) => {
      tarWith(join(context, 'secret.tar'), 'which', 'the archive inside the context\n');
      symlinkSync('../secret.tar', join(context, 'link'));
    },
    outcome: { same: ['x'] },
  },
  {
    name: 'a symlink loop',
    dockerfile: 'COPY loop /x',
    setup: ({ context }) => symlinkSync('loop', join(context, 'loop')),
    outcome: { bothFail: 2 },
  },
  {
    name: 'a symlink loop inside a copied directory',
    dockerfile: 'COPY d /x',
    setup: ({ context }) => {
      mkdirSync(join(context, 'd'));
      symlinkSync('loop', join(context, 'd/loop'));
      writeFileSync(join(context, 'd/a'), 'a\n');
    },
    outcome: { same: ['x'] },
  },
  {
    name: 'files and a directory with mode 000 (root reads them; their modes must stay)',
    dockerfile: 'COPY d /x\nCOPY d/s /y',
    setup: ({ context }) => {
      mkdirSync(join(context, 'd/nd'), { recursive: true });
      writeFileSync(join(context, 'd/s'), 'only root reads this\n');
      writeFileSync(join(context, 'd/nd/z'), 'z\n');
      chmodSync(join(context, 'd/s'), 0);
      chmodSync(join(context, 'd/nd'), 0);
    },
    outcome: { same: ['x', 'y'] },
  },
  {
    name: 'a named pipe in a copied directory (the classic builder copies it; Slipway says it cannot)',
    dockerfile: 'COPY d /x',
    setup: ({ context }) => {
      mkdirSync(join(context, 'd'));
      writeFileSync(join(context, 'd/a'), 'a\n');
      execFileSync('mkfifo', [join(context, 'd/pipe')]);
    },
    outcome: { slipwayFails: /^COPY failed: cannot copy d\/pipe from the build context: it is a named pipe/, line: 2 },
  },
  {
    // dockerd opens the pipe to copy it as a file and waits forever for a writer (checked by
    // hand on the engine these tests use), so only Slipway builds this one.
    name: 'a named pipe copied by name (the classic builder blocks on it forever)',
    dockerfile: 'COPY d/pipe /x',
    classicHangs: true,
    setup: ({ context }) => {
      mkdirSync(join(context, 'd'));
      execFileSync('mkfifo', [join(context, 'd/pipe')]);
    },
    outcome: { slipwayFails: /^COPY failed: cannot copy d\/pipe from the build context: it is a named pipe/, line: 2 },
  },
  {
    name: 'a named pipe elsewhere in the context, not copied',
    dockerfile: 'COPY d/a /x',
    setup: ({ context }) => {
      mkdirSync(join(context, 'd'));
      writeFileSync(join(context, 'd/a'), 'a\n');
      execFileSync('mkfifo', [join(context, 'pipe')]);
    },
    outcome: { same: ['x'] },
  },
  {
    name: 'a socket in a copied directory (left out by both)',
    dockerfile: 'COPY d /x',
    setup: async ({ context }) => {
      mkdirSync(join(context, 'd'));
      writeFileSync(join(context, 'd/a'), 'a\n');
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(join(context, 'd/socket'), resolve));
    },
    outcome: { same: ['x'] },
  },
  {
    name: 'names with newlines',
    dockerfile: 'COPY d /x\nCOPY ["d/line\\nbreak", "/y"]',
    setup: ({ context }) => {
      mkdirSync(join(context, 'd/dir\nwith newline'), { recursive: true });
      writeFileSync(join(context, 'd/line\nbreak'), 'newline in the name\n');
      writeFileSync(join(context, 'd/dir\nwith newline/\n'), 'only a newline\n');
    },
    outcome: { same: ['x', 'y'] },
  },
  {
    name: 'a name that is not UTF-8 in a copied directory (the classic builder copies it; Slipway says it cannot)',
    dockerfile: 'COPY d /x',
    setup: ({ context }) => {
      mkdirSync(join(context, 'd'));
      writeFileSync(join(context, 'd/c'), 'c\n');
      writeFileSync(raw(join(context, 'd/x'), [0xff, 0xfe], 'y'), 'latin junk\n');
    },
    outcome: { slipwayFails: /^COPY failed: cannot copy d\/x\\xff\\xfey from the build context: its name is not valid UTF-8/, line: 2 },
  },
  {
    name: 'a name that is not UTF-8 elsewhere in the context, not copied',
    dockerfile: 'COPY d /x',
    setup: ({ context }) => {
      mkdirSync(join(context, 'd'));
      writeFileSync(join(context, 'd/c'), 'c\n');
      writeFileSync(raw(join(context, 'x'), [0xc3, 0x28]), 'elsewhere\n');
    },
    outcome: { same: ['x'] },
  },
  {
    name: 'a context folder that is itself a symlink',
    dockerfile: 'COPY . /x',
    setup: ({ context, outside }) => {
      writeFileSync(join(context, 'f'), 'f\n');
      symlinkSync('../secret.txt', join(context, 'up'));
      symlinkSync(context, join(outside, 'context-link'));
    },
    buildPath: 'context-link',
    outcome: { same: ['x'] },
  },
];

const made: string[] = [];

describe('hostile build contexts, against the classic builder', () => {
  it.each(cases)('$name', async (c) => {
    const layout = await prepare(c);
    const context = c.buildPath ? join(layout.outside, c.buildPath) : layout.context;
    const start = Date.now();
    const classic = c.classicHangs ? {} : await classicBuild(context, ['--no-cache']);
    const ours = await slipwayBuild({ context });
    if (classic.id) made.push(classic.id);
    if (ours.imageId) made.push(ours.imageId);
    if (ours.imageId) await expectNothingFromOutside(ours.imageId);

    if ('bothFail' in c.outcome) {
      expect(classic.error, 'the classic builder should fail').toBeDefined();
      expect(ours.status).toBe('failed');
      expect(ours.error?.message).toBe(lastLine(classic.error!));
      expect(ours.error?.location).toEqual({ start: c.outcome.bothFail, end: c.outcome.bothFail });
    } else if ('slipwayFails' in c.outcome) {
      if (!c.classicHangs) expect(classic.error, 'the classic builder copies this').toBeUndefined();
      expect(ours.status).toBe('failed');
      expect(ours.error?.message).toMatch(c.outcome.slipwayFails);
      expect(ours.error?.location).toEqual({ start: c.outcome.line, end: c.outcome.line });
    } else {
      expect(classic.error).toBeUndefined();
      expect(ours.error?.message).toBeUndefined();
      const [reference, candidate] = await Promise.all([listFiles(classic.id!, c.outcome.same, start), listFiles(ours.imageId!, c.outcome.same, start)]);
      expect(Object.keys(reference).length).toBeGreaterThan(0);
      expect(candidate).toEqual(reference);
    }
  });

  it('streams a 1 GB sparse file into the image without holding it in memory', async () => {
    const { context } = await prepare({ name: 'sparse', dockerfile: 'COPY big /x', setup: () => {}, outcome: { same: ['x'] } });
    writeFileSync(join(context, 'big'), '');
    truncateSync(join(context, 'big'), 1024 ** 3);
    appendFileSync(join(context, 'big'), 'the end\n');
    let peak = process.memoryUsage().rss;
    const before = peak;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const start = Date.now();
    const ours = await slipwayBuild({ context }).finally(() => clearInterval(sampler));
    if (ours.imageId) made.push(ours.imageId);
    expect(ours.error?.message).toBeUndefined();
    expect(peak - before, 'memory growth while copying 1 GB').toBeLessThan(256 * 1024 ** 2);
    const classic = await classicBuild(context, ['--no-cache']);
    if (classic.id) made.push(classic.id);
    const [reference, candidate] = await Promise.all([listFiles(classic.id!, ['x'], start), listFiles(ours.imageId!, ['x'], start)]);
    expect(candidate).toEqual(reference);
    expect(candidate.x?.size).toBe(1024 ** 3 + 8);
  }, 600_000);

  afterAll(async () => {
    for (const server of servers) server.close();
    expect(await leftovers()).toEqual([]);
    for (const id of made.reverse()) await docker.getImage(id).remove({ force: true }).catch(() => {});
  });
});

/** A fresh outside folder with the secrets, and the context inside it with the Dockerfile. */
async function prepare(c: Case): Promise<Layout> {
  const outside = mkdtempSync(join(tmpdir(), 'hostile-'));
  onTestFinished(() => rmSync(outside, { recursive: true, force: true }));
  const context = join(outside, 'context');
  mkdirSync(context);
  writeFileSync(join(outside, 'secret.txt'), `${SECRET}\n`);
  tarWith(join(outside, 'secret.tar'), 'which', `${SECRET}\n`);
  writeFileSync(join(context, 'Dockerfile'), `FROM local/busybox:latest\n${c.dockerfile}\n`);
  await c.setup({ context, outside });
  return { context, outside };
}

/** A tar file holding one file. */
function tarWith(path: string, name: string, content: string): void {
  const staging = mkdtempSync(join(tmpdir(), 'hostile-tar-'));
  try {
    writeFileSync(join(staging, name), content);
    execFileSync('tar', ['-C', staging, '-cf', path, name]);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The message the classic builder ended with (`COPY failed: ...`). */
function lastLine(output: string): string {
  return output.trim().split('\n').at(-1)!;
}

/** Every entry under the given top-level paths, names byte for byte (latin1 keeps each byte). */
async function listFiles(image: string, roots: string[], buildStart: number): Promise<Record<string, FileRecord>> {
  const files: Record<string, FileRecord> = {};
  await exportImage(image, (name, header, sha256) => {
    if (!roots.some((root) => name === root || name.startsWith(`${root}/`))) return;
    files[name] = {
      type: header.type ?? 'file',
      mode: (header.mode ?? 0).toString(8),
      uid: header.uid ?? 0,
      gid: header.gid ?? 0,
      size: header.size ?? 0,
      ...(header.type === 'file' ? { sha256, mtime: header.mtime && header.mtime.getTime() >= buildStart - 2000 ? 'build' : header.mtime?.getTime() } : {}),
      ...(header.linkname ? { link: header.linkname } : {}),
    };
  });
  return files;
}

/** No file of the image holds the secret next to the context, or the host's /etc/passwd. */
async function expectNothingFromOutside(image: string): Promise<void> {
  const offenders: string[] = [];
  await exportImage(image, (name, _header, sha256, sawMarker) => {
    if (sawMarker) offenders.push(`${name} holds the secret from outside the context`);
    if (sha256 === HOST_PASSWD) offenders.push(`${name} is the host's /etc/passwd`);
  }, Buffer.from(SECRET));
  expect(offenders).toEqual([]);
}

/** Streams the image's file system, hashing each file (and looking for `marker` in it). */
async function exportImage(
  image: string,
  visit: (name: string, header: Header, sha256: string, sawMarker: boolean) => void,
  marker?: Buffer,
): Promise<void> {
  const container = await docker.createContainer({ Image: image, Cmd: ['true'], Entrypoint: [''] } as never);
  try {
    const stream = (await container.export()) as unknown as Readable;
    // latin1 keeps every byte of a name as one character, so names compare byte for byte
    // (tar-stream reads this option; its own types leave it out).
    const options = { filenameEncoding: 'latin1' } as unknown as Parameters<typeof tarExtract>[0];
    const extract = tarExtract(options);
    extract.on('entry', (header, body, next) => {
      const name = header.name.replace(/\/$/, '');
      const hash = createHash('sha256');
      let seen = false;
      let tail = Buffer.alloc(0);
      body.on('data', (data: unknown) => {
        const chunk = data as Buffer;
        hash.update(chunk);
        if (marker && !seen) {
          const window = Buffer.concat([tail, chunk]);
          seen = window.includes(marker);
          tail = window.subarray(Math.max(0, window.length - marker.length + 1));
        }
      });
      body.on('end', () => {
        if (!/^(\.dockerenv|etc\/(hostname|hosts|resolv\.conf|mtab)|dev|proc|sys)(\/|$)/.test(name)) visit(name, header, hash.digest('hex'), seen);
        next();
      });
    });
    await new Promise<void>((resolve, reject) => {
      extract.on('finish', resolve);
      extract.on('error', reject);
      stream.pipe(extract as unknown as NodeJS.WritableStream);
    });
  } finally {
    await container.remove({ v: true, force: true });
  }
}
