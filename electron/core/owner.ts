import { hostname } from 'node:os';

/**
 * Is the process an owner label names (`host/pid`, see docker/containers.ts) still running?
 * A process of another machine (a shared remote engine) is not ours to judge: alive.
 */
export function isAliveOwner(owner: string | undefined): boolean {
  const slash = owner?.lastIndexOf('/') ?? -1;
  if (!owner || slash < 0) return false;
  if (owner.slice(0, slash) !== hostname()) return true;
  const pid = Number(owner.slice(slash + 1));
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
