import { describe, expect, it } from 'vitest';
import { DockerfileError } from '../../electron/builder/errors';
import { dispatch, type Handlers } from '../../electron/core/dispatch';
import { listenerName, methodName } from '../../shared/contract';

const info = { version: '1', apiVersion: '1.41', os: 'linux', arch: 'amd64' };
// Only the calls a test makes need an implementation.
const only = (partial: Partial<Handlers>) => partial as Handlers;
const handlers = only({ 'slipway:engine:info': async () => info });

describe('dispatch', () => {
  it('answers a known call with an ok envelope', async () => {
    expect(await dispatch(handlers, 'slipway:engine:info', undefined)).toEqual({ ok: true, result: info });
  });

  it('rejects unknown channels, including inherited property names', async () => {
    for (const channel of ['slipway:nope:nope', 'toString', '__proto__', 42]) {
      expect(await dispatch(handlers, channel, undefined)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    }
  });

  it('rejects malformed payloads', async () => {
    expect(await dispatch(handlers, 'slipway:engine:info', { evil: true })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
  });

  it('carries Dockerfile errors with their line range', async () => {
    const failing = only({
      'slipway:engine:info': async () => {
        throw new DockerfileError('unknown instruction: RUNN', { start: 3, end: 4 });
      },
    });
    expect(await dispatch(failing, 'slipway:engine:info', undefined)).toEqual({
      ok: false,
      error: { code: 'DOCKERFILE', message: 'unknown instruction: RUNN', location: { start: 3, end: 4 } },
    });
  });
});

describe('contract names', () => {
  it('derives window.slipway names from channels', () => {
    expect(methodName('slipway:engine:info')).toBe('engineInfo');
    expect(listenerName('slipway:build:event')).toBe('onBuildEvent');
  });
});
