/**
 * Cache mounts as named volumes that persist across builds (and --no-cache, as in BuildKit),
 * one per mount id, with BuildKit's sharing modes among the steps of this process:
 * `shared` - every step uses the one volume at once; `private` - a step that finds it in use
 * gets another instance of the same cache; `locked` - steps take turns.
 */
import { createHash } from 'node:crypto';
import type { CacheMountPlan } from './mount-plan';
import type { VolumeBackend } from './backend';

/** The label naming a cache volume's mount id (also what the app lists and prunes by). */
export const CACHE_LABEL = 'dev.slipway.cache';

/** `slipway-cache-<hash of id>` (the id may hold any character), `-<n>` for further private instances. */
export function cacheVolumeName(id: string, instance = 0): string {
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 32);
  return `slipway-cache-${hash}${instance ? `-${instance}` : ''}`;
}

export interface CacheLease {
  volume: string;
  release(): void;
}

/** Which cache volumes this process's steps are using, and the queue for each locked one. */
export class CacheMountCoordinator {
  private readonly users = new Map<string, number>();
  private readonly locks = new Map<string, Promise<void>>();

  /**
   * A volume for the mount, created on first use (then given the mount's owner and mode by
   * `initialise`). Waits for a `locked` cache's previous user. Release the lease when done.
   */
  async acquire(plan: CacheMountPlan, volumes: VolumeBackend, initialise: (volume: string) => Promise<void>, signal?: AbortSignal): Promise<CacheLease> {
    let unlock: (() => void) | undefined;
    let volume = cacheVolumeName(plan.id);
    if (plan.sharing === 'locked') unlock = await this.lock(volume, signal);
    else if (plan.sharing === 'private') {
      for (let i = 1; this.inUse(volume); i++) volume = cacheVolumeName(plan.id, i);
    }
    this.users.set(volume, (this.users.get(volume) ?? 0) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.users.get(volume) ?? 1) - 1;
      if (left > 0) this.users.set(volume, left);
      else this.users.delete(volume);
      unlock?.();
    };
    try {
      if (!(await volumes.find(volume))) {
        await volumes.create(volume, { [CACHE_LABEL]: plan.id });
        if (plan.uid !== undefined || plan.gid !== undefined || plan.mode !== undefined) await initialise(volume);
      }
      await volumes.touch?.(volume);
    } catch (err) {
      release();
      throw err;
    }
    return { volume, release };
  }

  inUse(volume: string): boolean {
    return (this.users.get(volume) ?? 0) > 0;
  }

  /** Resolves once every earlier holder of `key` has released it; returns the release. */
  private async lock(key: string, signal?: AbortSignal): Promise<() => void> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.locks.set(key, tail);
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    if (signal) {
      const aborted = new Promise<never>((_, reject) => {
        if (signal.aborted) reject(new Error('aborted'));
        signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      });
      try {
        await Promise.race([previous, aborted]);
      } catch (err) {
        // Our turn is given up: those after us wait only for those before us.
        void previous.then(release);
        throw err;
      }
    } else {
      await previous;
    }
    return release;
  }
}

/** One coordinator per process: every build of this Slipway shares the engine's cache volumes. */
export const cacheMounts = new CacheMountCoordinator();
