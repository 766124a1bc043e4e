import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { EngineCallError, EngineGuard, EngineTimeoutError, engineMessage } from '../../../electron/docker/engine-guard';
import { EngineConnectionLost, isEngineConnectionError } from '../../../electron/docker/engine';

type Ping = 'up' | 'refused' | 'silent';

/** Just what the guard uses of a client: its address and ping. */
function fakeEngine() {
  const state = { ping: 'up' as Ping, pings: 0 };
  const docker = {
    modem: { socketPath: '/run/fake.sock' },
    ping: (options?: { abortSignal?: AbortSignal }) => {
      state.pings++;
      if (state.ping === 'up') return Promise.resolve('OK');
      if (state.ping === 'refused') return Promise.reject(Object.assign(new Error('connect ECONNREFUSED /run/fake.sock'), { code: 'ECONNREFUSED' }));
      return new Promise((_, reject) => options?.abortSignal?.addEventListener('abort', () => reject(new Error('aborted by the caller'))));
    },
  } as unknown as Docker;
  return { docker, state };
}

const never = () => new Promise<never>(() => {});
const refused = () => Object.assign(new Error('connect ECONNREFUSED /run/fake.sock'), { code: 'ECONNREFUSED' });

class Target {
  removed: string[] = [];
  failRemoves = 0;
  waitCode = 0;
  hang(): Promise<string> {
    return never();
  }
  async quick(): Promise<string> {
    return never();
  }
  async commit(): Promise<string> {
    throw Object.assign(new Error('(HTTP code 500) server error - no space left on device '), { statusCode: 500 });
  }
  async inspect(): Promise<string> {
    throw Object.assign(new Error('(HTTP code 404) no such image - no such image: x'), { statusCode: 404 });
  }
  async cut(): Promise<string> {
    throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  }
  async wait(): Promise<number> {
    return this.waitCode;
  }
  async remove(id: string): Promise<void> {
    if (this.failRemoves-- > 0) throw refused();
    this.removed.push(id);
  }
  async ok(): Promise<string> {
    return 'ok';
  }
}

function guarded(options = {}) {
  const engine = fakeEngine();
  const guard = new EngineGuard(engine.docker, { pingEveryMs: 10, pingTimeoutMs: 40, quickCallMs: 150, missesToLose: 3, ...options });
  const target = new Target();
  const calls = guard.wrap(target, { quick: { quick: true }, commit: { doing: "commit the step's container" }, wait: { exitCode: true }, remove: { removal: 'container' } });
  return { guard, target, calls, engine };
}

describe('EngineGuard', () => {
  it('fails a call that waits forever once the engine stops answering pings', async () => {
    const { calls, engine } = guarded();
    const pending = calls.hang();
    await new Promise((r) => setTimeout(r, 50));
    engine.state.ping = 'refused';
    await expect(pending).rejects.toBeInstanceOf(EngineConnectionLost);
    await expect(pending).rejects.toThrow(/^Lost the connection to the Docker engine at unix:\/\/\/run\/fake\.sock \(it stopped answering\)\. .*retry the build\.$/);
  });

  it('counts pings without an answer, and gives up after enough of them', async () => {
    const { calls, engine } = guarded();
    engine.state.ping = 'silent';
    const started = Date.now();
    await expect(calls.hang()).rejects.toThrow(/no answer for 0 s/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 40);
  });

  it('limits short calls, even while the engine answers', async () => {
    const { calls, engine } = guarded();
    await expect(calls.quick()).rejects.toBeInstanceOf(EngineTimeoutError);
    expect(engine.state.pings).toBeGreaterThan(3);
  });

  it('pings only while calls are outstanding', async () => {
    const { calls, engine } = guarded();
    await calls.ok();
    const before = engine.state.pings;
    await new Promise((r) => setTimeout(r, 60));
    expect(engine.state.pings).toBe(before);
  });

  it("says what an engine error interrupted, in the engine's words, and keeps the status", async () => {
    const { calls } = guarded();
    const error = await calls.commit().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(EngineCallError);
    expect((error as Error).message).toBe("The Docker engine could not commit the step's container: no space left on device");
    expect((error as EngineCallError).statusCode).toBe(500);
    // Not-found answers are the callers' business: untouched.
    await expect(calls.inspect()).rejects.toMatchObject({ statusCode: 404, message: '(HTTP code 404) no such image - no such image: x' });
  });

  it('turns a connection cut mid-call into the one clear error', async () => {
    const { calls } = guarded();
    await expect(calls.cut()).rejects.toThrow(/^Lost the connection to the Docker engine at unix:\/\/\/run\/fake\.sock \(socket hang up\)/);
  });

  it("takes a container's non-zero code for the engine's doing only when the engine is gone", async () => {
    const { calls, target, engine } = guarded();
    target.waitCode = 137;
    await expect(calls.wait()).resolves.toBe(137);
    engine.state.ping = 'refused';
    await expect(calls.wait()).rejects.toThrow(/stopped with code 137 as the engine went away/);
    target.waitCode = 0;
    await expect(calls.wait()).resolves.toBe(0);
  });

  it('removes later what it could not remove while the engine was away', async () => {
    const { calls, target, guard } = guarded();
    target.failRemoves = 1;
    await expect(calls.remove('c1')).rejects.toBeInstanceOf(EngineConnectionLost);
    expect(guard.pendingRemovals).toBe(1);
    await calls.ok();
    await expect.poll(() => target.removed).toEqual(['c1']);
    expect(guard.pendingRemovals).toBe(0);
  });
});

describe('engine errors', () => {
  it('knows connection failures from engine answers', () => {
    expect(isEngineConnectionError(refused())).toBe(true);
    expect(isEngineConnectionError(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBe(true);
    expect(isEngineConnectionError(new Error('socket hang up'))).toBe(true);
    expect(isEngineConnectionError(Object.assign(new Error('x'), { code: 'ENOENT', address: '/run/docker.sock' }))).toBe(true);
    expect(isEngineConnectionError(Object.assign(new Error('no such file'), { code: 'ENOENT' }))).toBe(false);
    expect(isEngineConnectionError(Object.assign(new Error('(HTTP code 500) server error - x'), { statusCode: 500 }))).toBe(false);
  });

  it("finds the engine's own words", () => {
    expect(engineMessage(Object.assign(new Error('(HTTP code 500) server error - ignored'), { json: { message: 'no space left on device' } }))).toBe('no space left on device');
    expect(engineMessage(new Error('(HTTP code 500) unexpected - disk full '))).toBe('disk full');
  });
});
