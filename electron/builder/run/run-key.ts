/**
 * What a RUN's mounts add to its cache key, as BuildKit keys an exec: each mount's type, target
 * and options, the content of what a bind mount reads (context files, a stage's image), the
 * heredoc script run from /dev/pipes, the network mode. Never a secret's content: only its id
 * and where it goes. The lines live in the probe the cache compares, not in the image.
 */
import { createHash } from 'node:crypto';
import type { RunConfig } from '../image/config';
import type { HeredocScript } from './heredoc-command';
import type { MountPlan } from './mount-plan';
import type { NetworkMode } from './host-config';

/** The probe the cache sees for a RUN with mounts: the classic probe plus `RunMounts`. */
export type KeyedProbe = RunConfig & { RunMounts?: string[] };

/** What a bind mount reads, as a digest: `context:dir:<hex>`, `image:sha256:<hex>`. */
export type BindInputs = ReadonlyMap<number, string>;

export function mountKeyLines(plans: readonly MountPlan[], binds: BindInputs, script: HeredocScript | undefined, network: NetworkMode | undefined): string[] {
  const lines = plans.map((plan, i) => {
    switch (plan.kind) {
      case 'cache':
        return fields('cache', {
          target: plan.target, id: plan.id, sharing: plan.sharing, ro: plan.readOnly,
          uid: plan.uid, gid: plan.gid, mode: plan.mode === undefined ? undefined : plan.mode.toString(8),
        });
      case 'tmpfs':
        return fields('tmpfs', { target: plan.target, size: plan.size, ro: plan.readOnly });
      case 'bind':
        return fields('bind', { target: plan.target, source: plan.source, from: binds.get(i), rw: !plan.readOnly });
      case 'secret':
        return fields('secret', {
          id: plan.id, target: plan.target, env: plan.env, required: plan.required,
          uid: plan.uid, gid: plan.gid, mode: plan.mode.toString(8),
        });
    }
  });
  if (script) lines.push(fields('heredoc', { name: script.name, content: `sha256:${createHash('sha256').update(script.content).digest('hex')}` }));
  if (network && network !== 'default') lines.push(fields('network', { mode: network }));
  return lines;
}

export function keyedProbe(probe: RunConfig, lines: readonly string[]): KeyedProbe {
  return lines.length ? { ...probe, RunMounts: [...lines] } : probe;
}

function fields(kind: string, values: Record<string, string | number | boolean | undefined>): string {
  const parts = [kind];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === false) continue;
    parts.push(value === true ? key : `${key}=${value}`);
  }
  return parts.join(' ');
}
