import { describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core/app-core';
import { dispatch } from '../../electron/core/dispatch';
import { connectEngine, engineInfo } from '../../electron/docker/engine';
import { BASE_IMAGE } from './engine-setup';

describe('the Docker engine', () => {
  const docker = connectEngine();

  it('answers with its version', async () => {
    const info = await engineInfo(docker);
    expect(info.version).toMatch(/^\d+\.\d+/);
    expect(Number(info.apiVersion)).toBeGreaterThanOrEqual(1.41);
    expect(info.os).toBe('linux');
  });

  it('has the test base image, built from the recipe', async () => {
    const image = await docker.getImage(BASE_IMAGE).inspect();
    expect(image.Config.Cmd).toEqual(['sh']);
    expect(image.Config.Env).toContain('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    expect(image.Os).toBe('linux');
  });

  it('serves the version through the contract, as an envelope', async () => {
    const envelope = await dispatch(createCore(docker).handlers, 'slipway:engine:info', undefined);
    expect(envelope.ok).toBe(true);
  });

  it('reports an unreachable engine as ENGINE_UNAVAILABLE with what to do', async () => {
    const nowhere = connectEngine({ socketPath: '/nonexistent/docker.sock' });
    const envelope = await dispatch(createCore(nowhere).handlers, 'slipway:engine:info', undefined);
    expect(envelope).toMatchObject({ ok: false, error: { code: 'ENGINE_UNAVAILABLE' } });
    if (!envelope.ok) expect(envelope.error.message).toMatch(/Start Docker/);
  });
});
