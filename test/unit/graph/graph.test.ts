import { describe, expect, it } from 'vitest';
import { DockerfileError } from '../../../electron/builder/errors';
import { outline } from '../../../electron/builder/frontend';

const graphOf = (text: string, options = {}) => outline(text, options).graph;

const MULTI = `ARG BASE=local/busybox
ARG TAG=latest
FROM \${BASE}:\${TAG} AS deps
RUN echo deps > /deps
FROM \${BASE}:\${TAG} AS tools
ARG TOOL=make
RUN echo tools > /tools
FROM deps AS build
COPY --from=tools /tools /tools
RUN echo build
FROM scratch
COPY --from=build /deps /out/
`;

describe('the build graph', () => {
  it('gives stable ids, display names and base references', () => {
    const g = graphOf(MULTI);
    expect(g.stages.map((s) => [s.key, s.base])).toEqual([
      ['deps', { kind: 'image', ref: 'local/busybox:latest' }],
      ['tools', { kind: 'image', ref: 'local/busybox:latest' }],
      ['build', { kind: 'stage', stage: 0 }],
      ['stage-3', { kind: 'scratch' }],
    ]);
    expect(g.steps.map((s) => s.id)).toEqual([
      'deps:1', 'deps:2', 'tools:1', 'tools:2', 'tools:3', 'build:1', 'build:2', 'build:3', 'stage-3:1', 'stage-3:2',
    ]);
    expect(g.steps.find((s) => s.id === 'build:2')!.name).toBe('[build 2/3] COPY --from=tools /tools /tools');
    expect(g.steps.find((s) => s.id === 'build:1')!.name).toBe('[build 1/3] FROM deps AS build');
    expect(g.steps.find((s) => s.id === 'deps:1')!.name).toBe('[deps 1/2] FROM local/busybox:latest AS deps');
    expect(g.target).toBe(3);
    expect(g.targets).toEqual(['deps', 'tools', 'build']);
  });

  it('links step order, FROM <stage> and COPY --from', () => {
    const g = graphOf(MULTI);
    const edges = g.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`);
    expect(edges).toContain('deps:2 -from-stage-> build:1');
    expect(edges).toContain('tools:3 -copy-from-> build:2');
    expect(edges).toContain('build:3 -copy-from-> stage-3:2');
    expect(edges).toContain('build:1 -order-> build:2');
    expect(g.steps.find((s) => s.id === 'build:2')!.dependsOn).toEqual(['build:1', 'tools:3']);
  });

  it('prunes to what --target needs', () => {
    const g = graphOf(MULTI, { target: 'BUILD' });
    expect(g.stages.map((s) => s.key)).toEqual(['deps', 'tools', 'build']);
    expect(graphOf(MULTI, { target: 'deps' }).stages.map((s) => s.key)).toEqual(['deps']);
  });

  it('names the known stages when the target is unknown', () => {
    expect(() => graphOf(MULTI, { target: 'nope' })).toThrow(/target stage "nope" could not be found \(stages: deps, tools, build\)/);
  });

  it('applies --build-arg to meta-ARGs used by FROM', () => {
    const g = graphOf(MULTI, { buildArgs: { TAG: '1.36' } });
    expect(g.stages[0]!.base).toEqual({ kind: 'image', ref: 'local/busybox:1.36' });
  });

  it('lists build args with defaults and scopes', () => {
    expect(graphOf(MULTI).buildArgs).toEqual([
      { name: 'BASE', default: 'local/busybox', scope: 'global', line: 1 },
      { name: 'TAG', default: 'latest', scope: 'global', line: 2 },
      { name: 'TOOL', default: 'make', scope: 'tools', line: 6 },
    ]);
  });

  it('resolves COPY --from by index and rejects bad indexes', () => {
    const g = graphOf('FROM scratch\nFROM scratch\nCOPY --from=0 /a /b\n');
    expect(g.edges).toContainEqual({ from: 'stage-0:1', to: 'stage-1:2', kind: 'copy-from' });
    expect(() => graphOf('FROM scratch\nCOPY --from=0 /a /b\n')).toThrow(/refers to current build stage/);
    expect(() => graphOf('FROM scratch\nCOPY --from=3 /a /b\n')).toThrow(/index out of bounds/);
  });

  it('treats a --from that names no stage as an image', () => {
    const g = graphOf('FROM scratch\nCOPY --from=alpine:3 /a /b\n');
    expect(g.steps[1]!.dependsOn).toEqual(['stage-0:1']);
  });

  it('resolves FROM only against earlier stages', () => {
    const g = graphOf('FROM alpine AS alpine\nRUN x\n');
    expect(g.stages[0]!.base).toEqual({ kind: 'image', ref: 'alpine' });
  });

  it('rejects cycles through COPY --from', () => {
    const text = 'FROM scratch AS a\nCOPY --from=b /x /x\nFROM scratch AS b\nCOPY --from=a /y /y\n';
    let err: unknown;
    try {
      graphOf(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DockerfileError);
    expect((err as DockerfileError).message).toMatch(/circular dependency detected on stage: a/);
  });

  it('links RUN --mount=from= to its stage', () => {
    const g = graphOf('FROM scratch AS src\nFROM scratch\nRUN --mount=type=bind,from=src,target=/s ls\n');
    expect(g.edges).toContainEqual({ from: 'src:1', to: 'stage-1:2', kind: 'mount-from' });
  });

  it('reports a blank base name at its line', () => {
    expect(() => graphOf('ARG X\nFROM $X\n')).toThrow(/base name \(\$X\) should not be blank/);
  });

  it('names single-stage steps without a stage prefix', () => {
    expect(graphOf('FROM scratch\nENV A=1\n').steps.map((s) => s.name)).toEqual(['[1/2] FROM scratch', '[2/2] ENV A=1']);
  });
});
