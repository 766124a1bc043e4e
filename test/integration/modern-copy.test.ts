/**
 * COPY/ADD syntax of the Dockerfile reference beyond the classic builder: heredoc sources,
 * --chmod, --exclude, --parents, --link and ADD --checksum, built by Slipway on the real engine.
 * --chmod is also compared with the engine's own BuildKit (its built-in frontend has it).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, leftovers, slipwayBuild } from './helpers/engine';
import { snapshotImage, type FileRecord } from './helpers/image-snapshot';

const made: string[] = [];

function context(dockerfile: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'modern-copy-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  return dir;
}

async function build(dockerfile: string, files: Record<string, string> = {}) {
  const started = Date.now();
  const result = await slipwayBuild({ context: context(dockerfile, files) });
  if (result.imageId) made.push(result.imageId);
  return { ...result, started };
}

/** The image's files under `prefix`, by path. */
async function filesUnder(imageId: string, started: number, prefix: string): Promise<Record<string, FileRecord>> {
  const { files } = await snapshotImage(imageId, started);
  return Object.fromEntries(Object.entries(files).filter(([path]) => path === prefix || path.startsWith(`${prefix}/`)));
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const TREE = { 'x/a.txt': 'a\n', 'x/b.md': 'b\n', 'x/sub/c.txt': 'c\n', 'y/a.txt': 'ya\n', 'homer.txt': 'homer\n', 'home.md': 'home\n' };

afterAll(async () => {
  for (const id of made) await docker.getImage(id).remove({ force: true }).catch(() => {});
  expect(await leftovers()).toEqual([]);
});

describe('COPY heredocs', () => {
  it('writes each document as a 0644 file, expanding unquoted ones with quotes kept', async () => {
    const dockerfile = [
      'FROM local/busybox:latest',
      'ENV NAME=world',
      'COPY <<EOT /etc/greeting',
      `hi $NAME "quoted" '$NAME'`,
      'EOT',
      "COPY <<'EOT' /etc/raw",
      'raw $NAME',
      'EOT',
      'COPY <<-EOT /etc/tabs',
      '\t\tindented $NAME',
      '\tEOT',
      'COPY <<a <<b /multi/',
      'first',
      'a',
      'second',
      'b',
      '',
    ].join('\n');
    const result = await build(dockerfile);
    expect(result.status, result.error?.message).toBe('succeeded');
    const { files } = await snapshotImage(result.imageId!, result.started);
    expect(files['etc/greeting']).toMatchObject({ type: 'file', mode: '100644', uid: 0, gid: 0, sha256: sha(`hi world "quoted" 'world'\n`) });
    expect(files['etc/raw']).toMatchObject({ mode: '100644', sha256: sha('raw $NAME\n') });
    expect(files['etc/tabs']).toMatchObject({ sha256: sha('indented world\n') });
    expect(files['multi/a']).toMatchObject({ mode: '100644', sha256: sha('first\n') });
    expect(files['multi/b']).toMatchObject({ mode: '100644', sha256: sha('second\n') });
  });

  it('keys the cache by the document: an edited heredoc misses, an unchanged one hits', async () => {
    const home = mkdtempSync(join(tmpdir(), 'slipway-home-'));
    const df = (text: string) => `FROM local/busybox:latest\nCOPY <<EOT /doc\n${text}\nEOT\n`;
    const dir = context(df('one'));
    const first = await slipwayBuild({ context: dir }, home);
    const again = await slipwayBuild({ context: dir }, home);
    writeFileSync(join(dir, 'Dockerfile'), df('two'));
    const edited = await slipwayBuild({ context: dir }, home);
    made.push(first.imageId!, edited.imageId!);
    expect(again.imageId).toBe(first.imageId);
    expect(edited.imageId).not.toBe(first.imageId);
  });
});

describe('COPY --chmod', () => {
  const dockerfile = 'FROM local/busybox:latest\nCOPY --chmod=700 x /modes/\nCOPY --chmod=0640 homer.txt /one.txt\nCOPY --chmod=4755 x/a.txt /setuid\n';

  it('sets the mode of every copied file and directory, as BuildKit does', async () => {
    const result = await build(dockerfile, TREE);
    expect(result.status, result.error?.message).toBe('succeeded');
    const ours = await filesUnder(result.imageId!, result.started, 'modes');
    expect(ours['modes']).toMatchObject({ type: 'directory', mode: '40755' });
    expect(ours['modes/sub']).toMatchObject({ type: 'directory', mode: '40700' });
    expect(ours['modes/a.txt']).toMatchObject({ mode: '100700' });
    expect(ours['modes/sub/c.txt']).toMatchObject({ mode: '100700' });
    const { files } = await snapshotImage(result.imageId!, result.started);
    expect(files['one.txt']).toMatchObject({ mode: '100640' });
    expect(files['setuid']).toMatchObject({ mode: '104755' });

    // The engine's BuildKit, the reference for syntax the classic builder lacks.
    const dir = context(dockerfile, TREE);
    const iidfile = join(dir, 'iid');
    await promisify(execFile)('/usr/bin/docker', ['build', '-q', '--iidfile', iidfile, dir], { env: { ...process.env, DOCKER_BUILDKIT: '1' } });
    const reference = (await import('node:fs')).readFileSync(iidfile, 'utf8').trim();
    made.push(reference);
    const theirs = await snapshotImage(reference, result.started);
    // `setuid` is left out: this engine's BuildKit drops special bits (moby/buildkit#3920, fixed
    // since); the reference documents 0-07777, so Slipway keeps them, as newer BuildKit does.
    for (const path of ['modes', 'modes/sub', 'modes/a.txt', 'modes/b.md', 'modes/sub/c.txt', 'one.txt']) {
      expect({ path, mode: files[path]?.mode, uid: files[path]?.uid }).toEqual({ path, mode: theirs.files[path]?.mode, uid: theirs.files[path]?.uid });
    }
  });

  it('rejects a mode that is not octal, naming the line', async () => {
    const result = await build('FROM local/busybox:latest\nCOPY --chmod=u+x homer.txt /x\n', TREE);
    expect(result.status).toBe('failed');
    expect(result.error?.message).toBe("invalid chmod parameter: 'u+x'. it should be octal string and between 0 and 07777");
    expect(result.error?.location).toEqual({ start: 2, end: 2 });
  });
});

describe('COPY --exclude, --parents and --link', () => {
  it('--exclude leaves out what the patterns match, relative to each source', async () => {
    const result = await build('FROM local/busybox:latest\nCOPY --exclude=*.txt x /excl/\nCOPY --exclude=*.md hom* /hom/\nCOPY --exclude=sub x /nosub/\n', TREE);
    expect(result.status, result.error?.message).toBe('succeeded');
    expect(Object.keys(await filesUnder(result.imageId!, result.started, 'excl')).sort()).toEqual(['excl', 'excl/b.md', 'excl/sub', 'excl/sub/c.txt']);
    expect(Object.keys(await filesUnder(result.imageId!, result.started, 'hom')).sort()).toEqual(['hom', 'hom/homer.txt']);
    expect(Object.keys(await filesUnder(result.imageId!, result.started, 'nosub')).sort()).toEqual(['nosub', 'nosub/a.txt', 'nosub/b.md']);
  });

  it('--parents keeps each source’s path, from the context root or from a /./ pivot', async () => {
    const result = await build('FROM local/busybox:latest\nCOPY --parents ./x/a.txt ./y/a.txt /parents/\nCOPY --parents ./x/./sub/c.txt /pivot/\nCOPY --parents x/*.md /glob/\n', TREE);
    expect(result.status, result.error?.message).toBe('succeeded');
    expect(Object.keys(await filesUnder(result.imageId!, result.started, 'parents')).sort()).toEqual(['parents', 'parents/x', 'parents/x/a.txt', 'parents/y', 'parents/y/a.txt']);
    expect(Object.keys(await filesUnder(result.imageId!, result.started, 'pivot')).sort()).toEqual(['pivot', 'pivot/sub', 'pivot/sub/c.txt']);
    expect(Object.keys(await filesUnder(result.imageId!, result.started, 'glob')).sort()).toEqual(['glob', 'glob/x', 'glob/x/b.md']);
  });

  it('--link gives the same files as a plain COPY', async () => {
    const linked = await build('FROM local/busybox:latest\nCOPY --link x /x/\n', TREE);
    const plain = await build('FROM local/busybox:latest\nCOPY x /x/\n', TREE);
    const strip = (files: Record<string, FileRecord>) => Object.fromEntries(Object.entries(files).map(([p, f]) => [p, { ...f, mtime: undefined }]));
    expect(strip(await filesUnder(linked.imageId!, linked.started, 'x'))).toEqual(strip(await filesUnder(plain.imageId!, plain.started, 'x')));
  });
});

describe('ADD --checksum', () => {
  let server: Server;
  let base = '';
  const body = 'checked content\n';

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/file.txt') res.writeHead(200).end(body);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => void server.close());

  it('adds the file when its digest matches', async () => {
    const result = await build(`FROM local/busybox:latest\nADD --checksum=sha256:${sha(body)} ${base}/file.txt /checked.txt\n`);
    expect(result.status, result.error?.message).toBe('succeeded');
    const { files } = await snapshotImage(result.imageId!, result.started);
    expect(files['checked.txt']).toMatchObject({ sha256: sha(body) });
  });

  it('fails clearly, at its line, when it does not', async () => {
    const wrong = sha('something else');
    const result = await build(`FROM local/busybox:latest\nRUN true\nADD --checksum=sha256:${wrong} ${base}/file.txt /checked.txt\n`);
    expect(result.status).toBe('failed');
    expect(result.error?.message).toBe(`ADD failed: checksum mismatch for file.txt: expected sha256:${wrong}, got sha256:${sha(body)}`);
    expect(result.error?.location).toEqual({ start: 3, end: 3 });
  });

  it('is only for one HTTP source', async () => {
    const local = await build(`FROM local/busybox:latest\nADD --checksum=sha256:${sha(body)} homer.txt /x\n`, TREE);
    expect(local.error?.message).toBe("checksum can't be specified for non-HTTP(S) sources");
    const many = await build(`FROM local/busybox:latest\nADD --checksum=sha256:${sha(body)} ${base}/file.txt homer.txt /d/\n`, TREE);
    expect(many.error?.message).toBe("checksum can't be specified for multiple sources");
  });
});
