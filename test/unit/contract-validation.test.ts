/**
 * Every call of shared/contract.ts validates its payload: through electron/core/dispatch.ts (what
 * IPC and web mode both use), a malformed payload gets BAD_REQUEST and never reaches a handler.
 *
 * The table below has a valid payload for each call, and TypeScript makes it list every call of
 * the contract (a new call fails the type-check until it has one here). From each valid payload
 * the test derives malformed ones: the wrong kind of value at every place, an extra field,
 * each required field missing, `__proto__` and `constructor` keys, and no payload at all.
 */
import { describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from '../../electron/core/dispatch';
import { callChannels, type CallChannel, type RequestOf } from '../../shared/contract';
import { IMPORT_PART_CHARS } from '../../shared/history';

interface Examples<C extends CallChannel> {
  /** The smallest valid payload: every field in it is required. */
  minimal: RequestOf<C>;
  /** The same with every optional field too (the fields not in `minimal` are the optional ones). */
  full?: RequestOf<C>;
  /** Well-typed but still invalid payloads (formats, ranges, enums). */
  invalid?: unknown[];
}

const SHA = `sha256:${'a'.repeat(64)}`;
const build = { buildId: 'b-1' };
const step = { buildId: 'b-1', stepId: '0:1' };

const EXAMPLES: { [C in CallChannel]: Examples<C> } = {
  'slipway:engine:info': { minimal: undefined, full: { engine: 'default' }, invalid: [{ engine: '' }, { engine: '-H' }, { engine: 'a b' }] },
  'slipway:engine:contexts': { minimal: undefined },
  'slipway:fs:list': { minimal: {}, full: { path: '/tmp' } },
  'slipway:context:inspect': { minimal: { context: '/tmp/ctx' } },
  'slipway:context:usage': {
    minimal: { context: '/tmp/ctx', dockerfile: 'Dockerfile' },
    full: { context: '/tmp/ctx', dockerfile: 'Dockerfile', target: 'final', buildArgs: { A: '1' } },
  },
  'slipway:dockerfile:outline': {
    minimal: { context: '/tmp/ctx', dockerfile: 'Dockerfile' },
    full: { context: '/tmp/ctx', dockerfile: 'Dockerfile', target: 'final', buildArgs: { A: '1' } },
  },
  'slipway:dockerfile:read': { minimal: { context: '/tmp/ctx', dockerfile: 'Dockerfile' } },
  'slipway:build:start': {
    minimal: { context: '/tmp/ctx', dockerfile: 'Dockerfile', buildArgs: {}, tags: [], noCache: false },
    full: {
      context: '/tmp/ctx',
      dockerfile: 'Dockerfile',
      target: 'final',
      buildArgs: { A: '1' },
      tags: ['app:latest'],
      noCache: true,
      breakpoints: ['0:1'],
      breakOnFailure: true,
      engine: 'default',
    },
    invalid: [{ context: '/c', dockerfile: 'D', buildArgs: {}, tags: [], noCache: false, breakpoints: ['x'.repeat(301)] }],
  },
  'slipway:build:cancel': { minimal: build },
  'slipway:build:list': { minimal: undefined },
  'slipway:build:events': { minimal: { buildId: 'b-1', from: 0 } },
  'slipway:image:config': { minimal: { imageId: SHA }, full: { imageId: SHA, engine: 'default' }, invalid: [{ imageId: 'alpine' }, { imageId: 'sha256:abc' }, { imageId: SHA.toUpperCase() }] },
  'slipway:step:kill': { minimal: step },
  'slipway:step:layer': { minimal: step },
  'slipway:build:waste': { minimal: build },
  'slipway:step:retry': { minimal: step },
  'slipway:shell:open': {
    minimal: { ...step, cols: 80, rows: 24 },
    invalid: [{ ...step, cols: 0, rows: 24 }, { ...step, cols: 80, rows: 1000 }, { ...step, cols: 80.5, rows: 24 }, { ...step, cols: -1, rows: 24 }],
  },
  'slipway:build:breakpoints': { minimal: { buildId: 'b-1', breakpoints: ['0:1'], breakOnFailure: false } },
  'slipway:build:resume': { minimal: { buildId: 'b-1', mode: 'continue' }, invalid: [{ buildId: 'b-1', mode: 'jump' }] },
  'slipway:debug:shell': {
    minimal: { ...step, target: 'paused', cols: 80, rows: 24 },
    invalid: [{ ...step, target: 'elsewhere', cols: 80, rows: 24 }, { ...step, target: 'after', cols: 0, rows: 24 }],
  },
  'slipway:debug:diff': { minimal: step },
  'slipway:debug:close': { minimal: build, full: step },
  'slipway:shell:input': { minimal: { shellId: 's-1', data: 'ls\r' } },
  'slipway:shell:resize': { minimal: { shellId: 's-1', cols: 80, rows: 24 }, invalid: [{ shellId: 's-1', cols: 1000, rows: 24 }] },
  'slipway:shell:close': { minimal: { shellId: 's-1' } },
  'slipway:history:list': { minimal: undefined },
  'slipway:history:open': { minimal: build },
  'slipway:history:export': { minimal: build },
  'slipway:history:import': {
    minimal: { uploadId: 'up-1', part: 0, parts: 1, text: '{}' },
    invalid: [
      { uploadId: '../up', part: 0, parts: 1, text: '' },
      { uploadId: 'up-1', part: -1, parts: 1, text: '' },
      { uploadId: 'up-1', part: 0, parts: 0, text: '' },
      { uploadId: 'up-1', part: 0, parts: 1, text: 'x'.repeat(IMPORT_PART_CHARS + 1) },
    ],
  },
  'slipway:history:delete': { minimal: build },
  'slipway:cacheMounts:list': { minimal: undefined },
  'slipway:cacheMounts:prune': { minimal: {}, full: { ids: ['cache-1'] } },
};

/** Handlers that only record what reaches them. */
function recordingHandlers() {
  const reached: [string, unknown][] = [];
  const handlers = new Proxy({} as Handlers, {
    get: (_target, channel) => async (request: unknown) => {
      reached.push([String(channel), request]);
      return null;
    },
  });
  return { handlers, reached };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Values of the wrong kind for the place `value` stands in. */
function wrongFor(value: unknown): unknown[] {
  if (typeof value === 'string') return [42, true, null, [value], { value }];
  if (typeof value === 'number') return [String(value), NaN, Infinity, -Infinity, null, true];
  if (typeof value === 'boolean') return [String(value), 1, null];
  if (Array.isArray(value)) return ['x', {}, null, 1];
  if (isPlainObject(value)) return ['x', [], null, 1];
  return ['x', 1, {}, []];
}

type Path = (string | number)[];

/** Every place in a payload: each field, each array item and record entry, at any depth. */
function places(value: unknown, path: Path = []): Path[] {
  const children = Array.isArray(value) ? value.map((item, i) => [i, item] as const) : isPlainObject(value) ? Object.entries(value) : [];
  return children.flatMap(([key, child]) => [[...path, key], ...places(child, [...path, key])]);
}

function without(value: Record<string, unknown>, key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== key));
}

function at(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, key) => (v as Record<string | number, unknown>)[key], value);
}

/** A deep copy of `value` with the place at `path` replaced. */
function replaced(value: unknown, path: Path, by: unknown): unknown {
  const copy = structuredClone(value);
  const parent = at(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path.at(-1)!] = by;
  return copy;
}

/** Every malformed payload derived from a call's examples, with what makes it malformed. */
function malformed(examples: Examples<CallChannel>): [string, unknown][] {
  const valid = [examples.minimal, ...(examples.full !== undefined ? [examples.full] : [])];
  const cases: [string, unknown][] = [];
  if (!valid.some((v) => v === undefined || v === null)) cases.push(['no payload', undefined], ['null', null]);
  cases.push(['a string', 'x'], ['a number', 7], ['true', true], ['an array', []], ['the payload in an array', [valid.at(-1)]]);
  if (valid.every((v) => v === undefined)) cases.push(['an empty object', {}], ['an object', { unexpected: true }]);

  for (const example of valid.filter(isPlainObject)) {
    cases.push(['an extra field', { ...example, unexpected: true }]);
    cases.push(['a constructor field', { ...example, constructor: 'x' }]);
    cases.push(['a __proto__ field', JSON.parse(JSON.stringify({ pad: 1, ...example }).replace('"pad":1', '"__proto__":{"polluted":true}'))]);
    for (const path of places(example)) {
      for (const wrong of wrongFor(at(example, path))) cases.push([`${path.join('.')} = ${JSON.stringify(wrong) ?? String(wrong)}`, replaced(example, path, wrong)]);
    }
  }
  const minimal: unknown = examples.minimal;
  if (isPlainObject(minimal)) {
    for (const key of Object.keys(minimal)) cases.push([`without ${key}`, without(minimal, key)]);
  }
  for (const payload of examples.invalid ?? []) cases.push([`invalid: ${JSON.stringify(payload).slice(0, 80)}`, payload]);
  return cases;
}

describe('contract validation (every call, through dispatch)', () => {
  it('has examples for exactly the calls of the contract', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...callChannels].sort());
  });

  describe.each(callChannels)('%s', (channel) => {
    const examples = EXAMPLES[channel] as Examples<CallChannel> | undefined;

    it('accepts its valid payloads, and hands them to the handler as they are', async () => {
      expect(examples, `add ${channel} to EXAMPLES in this file`).toBeDefined();
      const { handlers, reached } = recordingHandlers();
      const valid = [examples!.minimal, ...(examples!.full !== undefined ? [examples!.full] : [])];
      for (const payload of valid) {
        expect(await dispatch(handlers, channel, structuredClone(payload))).toEqual({ ok: true, result: null });
      }
      expect(reached).toEqual(valid.map((payload) => [channel, payload]));
    });

    it('treats the fields it adds to the minimal payload as optional', async () => {
      const { handlers } = recordingHandlers();
      const minimal: unknown = examples!.minimal;
      const full: unknown = examples!.full;
      if (!isPlainObject(full)) return;
      for (const key of Object.keys(full).filter((k) => !isPlainObject(minimal) || !(k in minimal))) {
        expect([key, await dispatch(handlers, channel, without(full, key))]).toEqual([key, { ok: true, result: null }]);
      }
    });

    it('answers every malformed payload with BAD_REQUEST, before any handler runs', async () => {
      const { handlers, reached } = recordingHandlers();
      const cases = malformed(examples!);
      expect(cases.length).toBeGreaterThanOrEqual(6);
      for (const [what, payload] of cases) {
        const answer = await dispatch(handlers, channel, payload);
        expect([what, answer]).toEqual([what, { ok: false, error: { code: 'BAD_REQUEST', message: `Malformed request for ${channel}` } }]);
      }
      expect(reached).toEqual([]);
    });
  });
});
