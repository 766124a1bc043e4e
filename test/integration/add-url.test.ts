import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classicBuild, docker, slipwayBuild } from './helpers/engine';
import { snapshotImage } from './helpers/image-snapshot';

// ADD from a URL, against a loopback HTTP server: the same file, mode 0600, mtime from
// Last-Modified, as the classic builder makes it.
describe('ADD <url>', () => {
  let server: Server;
  let base = '';
  const made: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/files/hello.txt') {
        res.writeHead(200, { 'Last-Modified': 'Wed, 21 Oct 2015 07:28:00 GMT', 'Content-Type': 'text/plain' });
        res.end('hello from the loopback server\n');
      } else if (req.url === '/download') {
        res.writeHead(200, { 'Content-Disposition': 'attachment; filename="named.txt"' });
        res.end('named by the server\n');
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.close();
    for (const id of made) await docker.getImage(id).remove({ force: true }).catch(() => {});
  });

  it('downloads like the classic builder', async () => {
    const ctx = mkdtempSync(join(tmpdir(), 'add-url-'));
    writeFileSync(join(ctx, 'Dockerfile'), `FROM local/busybox:latest\nADD ${base}/files/hello.txt /web/\nADD ${base}/download /web/renamed.txt\n`);
    const start = Date.now();
    const classic = await classicBuild(ctx, ['--no-cache']);
    const ours = await slipwayBuild({ context: ctx });
    made.push(classic.id!, ours.imageId!);
    expect(classic.error).toBeUndefined();
    expect(ours.status).toBe('succeeded');
    const [reference, candidate] = await Promise.all([snapshotImage(classic.id!, start), snapshotImage(ours.imageId!, start)]);
    expect(candidate.files['web/hello.txt']).toMatchObject({ mode: '100600', mtime: Date.parse('2015-10-21T07:28:00Z') });
    expect(candidate.config).toEqual(reference.config);
    expect(candidate.files).toEqual(reference.files);
  });

  it('fails with the HTTP status when the URL is missing', async () => {
    const ctx = mkdtempSync(join(tmpdir(), 'add-url-'));
    writeFileSync(join(ctx, 'Dockerfile'), `FROM local/busybox:latest\nADD ${base}/nope /x\n`);
    const ours = await slipwayBuild({ context: ctx });
    expect(ours.status).toBe('failed');
    expect(ours.error?.message).toMatch(/404/);
    expect(ours.error?.location).toEqual({ start: 2, end: 2 });
  });
});
