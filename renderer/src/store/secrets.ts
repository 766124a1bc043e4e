import type { BuildSecret } from '../../../shared/build-request';

/**
 * The build secrets field: `id=NAME,src=FILE` or `id=NAME,env=VAR`, several separated by spaces
 * or new lines (buildx's `--secret` syntax). Only where each secret comes from is sent; main
 * reads the value when a RUN mounts it.
 */
export function parseSecrets(text: string): { secrets: BuildSecret[] } | { error: string } {
  const secrets: BuildSecret[] = [];
  for (const spec of text.split(/\s+/).filter(Boolean)) {
    const secret: Partial<BuildSecret> = {};
    for (const field of spec.split(',')) {
      const eq = field.indexOf('=');
      const key = eq < 0 ? field : field.slice(0, eq);
      const value = field.slice(eq + 1);
      if (eq < 0 || !value) return { error: `"${spec}": ${key} needs a value (key=value)` };
      if (key === 'id') secret.id = value;
      else if (key === 'src' || key === 'source') secret.src = value;
      else if (key === 'env') secret.env = value;
      else return { error: `"${spec}": unknown key "${key}" (id, src or env)` };
    }
    if (!secret.id) return { error: `"${spec}": missing id=` };
    if (!secret.src === !secret.env) return { error: `"${spec}": give either src=FILE or env=VAR` };
    secrets.push(secret as BuildSecret);
  }
  return { secrets };
}
