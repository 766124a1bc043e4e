// What the build context does with entries it cannot carry (named pipes, names that are not
// UTF-8), with files swapped under it, and with symlinks the file system would follow out of
// it. The same cases run against the classic builder in test/integration/hostile-context.test.ts.

import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContextSource } from '../../../electron/builder/context';
import { contextItems } from '../../../electron/builder/copy/items';
import { retar } from '../../../electron/builder/copy/retar';
import { contextError, makeContext, tempDir, untar } from './helpers';

const mkfifo = (file: string) => execFileSync('mkfifo', [file]);

describe('named pipes', () => {
  it('fails a copy or hash of a directory holding one, naming it', async () => {
    const root = await makeContext({ 'd/a': 'a', 'd/sub/b': 'b' });
    mkfifo(path.join(root, 'd/sub/pipe'));
    const context = await ContextSource.open(root);
    const [dir] = await context.resolve('d');
    const error = await contextError(context.hash(dir!));
    expect(error.code).toBe('unsupported');
    expect(error.message).toBe('cannot copy d/sub/pipe from the build context: it is a named pipe, which Slipway does not support');
    expect((await contextError(untar(context.pack([{ entry: dir!, name: 'x' }])))).code).toBe('unsupported');
  });

  it('fails a source that names one, or a wildcard that matches one', async () => {
    const root = await makeContext({ 'd/a': 'a' });
    mkfifo(path.join(root, 'd/pipe'));
    const context = await ContextSource.open(root);
    expect((await contextError(context.resolve('d/pipe'))).message).toMatch(/^cannot copy d\/pipe from the build context: it is a named pipe/);
    expect((await contextError(context.resolve('d/p*'))).code).toBe('unsupported');
    // Wildcards that do not match it, and the context inspector, carry on without it.
    expect((await context.resolve('d/a*')).map((e) => e.path)).toEqual(['d/a']);
    const walked: string[] = [];
    for await (const entry of context.walk()) walked.push(entry.path);
    expect(walked).toEqual(['d', 'd/a']);
  });

  it('leaves one alone when .dockerignore excludes it', async () => {
    const root = await makeContext({ 'd/a': 'a', '.dockerignore': 'd/pipe\n' });
    mkfifo(path.join(root, 'd/pipe'));
    const context = await ContextSource.open(root);
    const [dir] = await context.resolve('d');
    expect(await context.hash(dir!)).toMatch(/^dir:/);
    expect((await untar(context.pack([{ entry: dir!, name: 'x' }]))).map((e) => e.name)).toEqual(['x/a']);
  });

  it('does not block reading a file that became a named pipe after it was listed', async () => {
    const root = await makeContext({ f: 'content' });
    const context = await ContextSource.open(root);
    const [file] = await context.resolve('f');
    await fs.rm(path.join(root, 'f'));
    mkfifo(path.join(root, 'f'));
    const started = Date.now();
    const error = await contextError(untar(context.pack([{ entry: file!, name: 'f' }])));
    expect(error.code).toBe('changed');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('names that are not UTF-8', () => {
  const invalid = (root: string, ...names: string[]) => Buffer.concat([Buffer.from(path.join(root, ...names)), Buffer.from([0xff, 0xfe])]);

  it('fails a copy of a directory holding one, showing the bytes', async () => {
    const root = await makeContext({ 'd/a': 'a' });
    await fs.writeFile(invalid(root, 'd', 'x'), 'bytes');
    const context = await ContextSource.open(root);
    const [dir] = await context.resolve('d');
    const error = await contextError(context.hash(dir!));
    expect(error.message).toBe('cannot copy d/x\\xff\\xfe from the build context: its name is not valid UTF-8, which Slipway does not support');
    expect((await contextError(untar(context.pack([{ entry: dir!, name: 'x' }])))).code).toBe('unsupported');
  });

  it('copies everything else when it lies elsewhere', async () => {
    const root = await makeContext({ 'd/a': 'a' });
    await fs.writeFile(invalid(root, 'x'), 'bytes');
    const context = await ContextSource.open(root);
    const [dir] = await context.resolve('d');
    expect((await untar(context.pack([{ entry: dir!, name: 'x' }]))).map((e) => e.name)).toEqual(['x/a']);
    // The root holds it: copying the whole context must fail rather than leave it out.
    const [all] = await context.resolve('.');
    expect((await contextError(context.hash(all!))).code).toBe('unsupported');
  });
});

describe('files root can read but nobody else', () => {
  it('keeps mode 000 through the copy pipeline', async () => {
    const context = await ContextSource.open(await makeContext({ 'd/s': { content: 'secret', mode: 0 }, 'd/nd': { dir: true, mode: 0 } }));
    const [dir] = await context.resolve('d');
    const entries = await untar(retar(context.pack([{ entry: dir!, name: 'x' }]), (header) => header));
    expect(entries.map((e) => [e.name, e.mode])).toEqual([
      ['x/nd/', 0],
      ['x/s', 0],
    ]);
  });
});

describe('ADD of a symlink', () => {
  it('reads the file the context resolves it to, not the one the file system would follow it to', async () => {
    const outside = await tempDir();
    const archive = async (file: string, content: string) => {
      const staging = await tempDir();
      await fs.writeFile(path.join(staging, 'which'), content);
      execFileSync('tar', ['-C', staging, '-cf', file, 'which']);
    };
    await archive(path.join(outside, 'secret.tar'), 'outside');
    const root = await makeContext({ 'link': { symlink: '../secret.tar' } }, path.join(outside, 'context'));
    await archive(path.join(root, 'secret.tar'), 'inside');
    const context = await ContextSource.open(root);
    const [item] = await contextItems(context, 'link', true);
    expect(item?.archive).toBe(true);
    const entries = await untar(item!.raw());
    expect(entries.map((e) => [e.name, e.content])).toEqual([['which', 'inside']]);
  });

  it('does not take a file outside the context for an archive', async () => {
    const outside = await tempDir();
    execFileSync('tar', ['-C', outside, '-cf', path.join(outside, 'secret.tar'), '.']);
    const root = await makeContext({ 'link': { symlink: '../secret.tar' }, 'secret.tar': 'plain text, not a tar' }, path.join(outside, 'context'));
    const [item] = await contextItems(await ContextSource.open(root), 'link', true);
    expect(item?.archive).toBe(false);
  });
});
