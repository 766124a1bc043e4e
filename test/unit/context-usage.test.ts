import { promises as fs } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contextUsage } from '../../electron/core/context-usage';
import { makeContext } from './context/helpers';

const MiB = 1024 * 1024;

async function withBigFile(root: string, name: string, bytes: number): Promise<void> {
  await fs.writeFile(`${root}/${name}`, Buffer.alloc(bytes, 1));
}

describe('context usage', () => {
  it('says which step copies which files, with wildcards, directories and variables', async () => {
    const root = await makeContext({
      Dockerfile: [
        'FROM busybox AS build',
        'ARG SRC=app',
        'COPY ${SRC}/ /app/',
        'ENV CONF=conf',
        'COPY $CONF/*.ini /etc/',
        'FROM build',
        'ADD README.md https://example.com/x.tgz /docs/',
        'COPY --from=build /app /copy',
        '',
      ].join('\n'),
      'app/main.txt': 'main',
      'app/lib/util.txt': 'util',
      'conf/a.ini': 'a',
      'conf/b.ini': 'bb',
      'conf/c.txt': 'not an ini',
      'README.md': 'readme',
    });
    const usage = await contextUsage({ context: root, dockerfile: 'Dockerfile' });

    expect(usage.steps).toEqual([
      { stepId: 'build:3', stage: 'build', kind: 'COPY', instruction: 'COPY ${SRC}/ /app/', line: 3, files: 2, bytes: 8 },
      { stepId: 'build:5', stage: 'build', kind: 'COPY', instruction: 'COPY $CONF/*.ini /etc/', line: 5, files: 2, bytes: 3 },
      { stepId: 'stage-1:2', stage: 'stage-1', kind: 'ADD', instruction: 'ADD README.md https://example.com/x.tgz /docs/', line: 7, files: 1, bytes: 6 },
    ]);
    const by = Object.fromEntries(usage.files.map((f) => [f.path, f.usedBy]));
    expect(by).toEqual({
      Dockerfile: [],
      'README.md': ['stage-1:2'],
      'app/lib/util.txt': ['build:3'],
      'app/main.txt': ['build:3'],
      'conf/a.ini': ['build:5'],
      'conf/b.ini': ['build:5'],
      'conf/c.txt': [],
    });
    expect(usage.warnings).toEqual([]);
    // The Dockerfile is the build's own; conf/c.txt is the one file nobody uses.
    expect(usage.unused).toEqual({ files: 1, bytes: 10 });
    expect(usage.truncated).toBe(false);
    expect(usage.buildFiles).toEqual(['.dockerignore', 'Dockerfile']);
  });

  it('flags a referenced path that .dockerignore excludes, naming the rule and its line', async () => {
    const root = await makeContext({
      Dockerfile: 'FROM busybox\nCOPY app/main.txt /main.txt\nCOPY app/secret.txt /secret.txt\nCOPY logs/*.log /logs/\nCOPY nowhere.txt /x\n',
      '.dockerignore': '# local files\n\n**/secret.txt\nlogs\n!logs/keep.log\n',
      'app/main.txt': 'main',
      'app/secret.txt': 'secret',
      'logs/keep.log': 'kept',
      'logs/drop.log': 'dropped',
    });
    const usage = await contextUsage({ context: root, dockerfile: 'Dockerfile' });
    expect(usage.warnings).toEqual([
      {
        kind: 'excluded',
        stepId: 'stage-0:3',
        line: 3,
        source: 'app/secret.txt',
        path: 'app/secret.txt',
        rule: { pattern: '**/secret.txt', line: 3 },
        message: 'app/secret.txt is referenced by COPY on line 3 but excluded by .dockerignore rule `**/secret.txt` (line 3)',
      },
      {
        kind: 'excluded',
        stepId: 'stage-0:4',
        line: 4,
        source: 'logs/*.log',
        path: 'logs/drop.log',
        rule: { pattern: 'logs', line: 4 },
        message: 'logs/drop.log is referenced by COPY on line 4 but excluded by .dockerignore rule `logs` (line 4)',
      },
      { kind: 'missing', stepId: 'stage-0:5', line: 5, source: 'nowhere.txt', message: 'nowhere.txt is not in the context folder (COPY on line 5)' },
    ]);
    // The re-included log is used; the excluded one is not in the context at all.
    expect(usage.files.find((f) => f.path === 'logs/keep.log')?.usedBy).toEqual(['stage-0:4']);
    expect(usage.files.some((f) => f.path === 'logs/drop.log' || f.path === 'app/secret.txt')).toBe(false);
  });

  it('lists the largest files no step uses, of the stages the target needs', async () => {
    const root = await makeContext({
      Dockerfile: 'FROM busybox AS one\nCOPY used.bin /\nFROM busybox AS two\nCOPY other.bin /\n',
      'small.txt': 'tiny',
    });
    await withBigFile(root, 'used.bin', 2 * MiB);
    await withBigFile(root, 'other.bin', 3 * MiB);
    await withBigFile(root, 'big.iso', 5 * MiB);
    await withBigFile(root, 'half.bin', MiB / 2);

    // The last stage does not need stage one: used.bin is not used by this build.
    const last = await contextUsage({ context: root, dockerfile: 'Dockerfile' });
    expect(last.steps.map((s) => s.stepId)).toEqual(['two:2']);
    expect(last.largeUnused).toEqual([
      { path: 'big.iso', size: 5 * MiB },
      { path: 'used.bin', size: 2 * MiB },
    ]);
    expect(last.unused).toEqual({ files: 4, bytes: 7 * MiB + MiB / 2 + 4 });

    const one = await contextUsage({ context: root, dockerfile: 'Dockerfile', target: 'one' });
    expect(one.steps.map((s) => s.stepId)).toEqual(['one:2']);
    expect(one.largeUnused).toEqual([
      { path: 'big.iso', size: 5 * MiB },
      { path: 'other.bin', size: 3 * MiB },
    ]);
  });

  it('leaves out what --exclude excludes, and steps that read no context file', async () => {
    const root = await makeContext({
      Dockerfile: 'FROM busybox\nCOPY --exclude=*.md --exclude=tests docs/ /docs/\nCOPY <<EOT /inline.txt\nhi\nEOT\n',
      'docs/guide.txt': 'guide',
      'docs/README.md': 'readme',
      'docs/tests/t.txt': 't',
    });
    const usage = await contextUsage({ context: root, dockerfile: 'Dockerfile' });
    expect(usage.steps.map((s) => [s.stepId, s.files])).toEqual([['stage-0:2', 1]]);
    expect(usage.files.filter((f) => f.usedBy.length).map((f) => f.path)).toEqual(['docs/guide.txt']);
  });

  it('uses build args given for the build in source paths', async () => {
    const root = await makeContext({ Dockerfile: 'FROM busybox\nARG VARIANT=dev\nCOPY config.$VARIANT.json /config.json\n', 'config.dev.json': '{}', 'config.prod.json': '{"p":1}' });
    const usage = await contextUsage({ context: root, dockerfile: 'Dockerfile', buildArgs: { VARIANT: 'prod' } });
    expect(usage.files.filter((f) => f.usedBy.length).map((f) => f.path)).toEqual(['config.prod.json']);
  });
});
