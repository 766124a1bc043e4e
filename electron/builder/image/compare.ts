import type { RunConfig } from './config';

/**
 * Whether two configs are the same image config as the engine reports it: an absent field, null,
 * false, 0 and an empty list or map are one thing (the engine is not consistent about which).
 */
export function sameConfig(a: RunConfig, b: RunConfig): boolean {
  return canonicalConfig(a) === canonicalConfig(b);
}

/** A stable text of a config with empty fields dropped and map keys sorted. */
export function canonicalConfig(config: RunConfig): string {
  return JSON.stringify(dropEmpty(config as unknown as Record<string, unknown>));
}

function dropEmpty(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(fields).sort()) {
    let value = fields[key];
    if (key === 'Healthcheck' && value && typeof value === 'object') value = dropEmpty(value as Record<string, unknown>);
    if (isEmpty(value)) continue;
    out[key] = sortKeys(value);
  }
  return out;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false || value === 0) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value as object).length === 0;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value) || !value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
}

/** Fields Go's container.Config omits from JSON when empty; the rest always appear, null included. */
const OMIT_EMPTY = new Set(['ExposedPorts', 'Healthcheck', 'ArgsEscaped', 'NetworkDisabled', 'MacAddress', 'StopSignal', 'StopTimeout', 'Shell']);
const ZERO: Record<string, unknown> = {
  Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false, Tty: false,
  OpenStdin: false, StdinOnce: false, Image: '', WorkingDir: '',
};

/**
 * Whether the engine stored exactly this config, as inspect shows it: null and an empty map or
 * list are different things here (classic images keep `"Labels": null`), except in the fields
 * Go omits when empty.
 */
export function identicalConfig(stored: RunConfig, wanted: RunConfig): boolean {
  const view = (config: RunConfig) => {
    const fields = config as unknown as Record<string, unknown>;
    const keys = new Set([...Object.keys(fields), ...Object.keys(ZERO), 'Env', 'Cmd', 'Volumes', 'Entrypoint', 'OnBuild', 'Labels']);
    const out: Record<string, unknown> = {};
    for (const key of [...keys].sort()) {
      const value = fields[key];
      if (OMIT_EMPTY.has(key)) {
        if (!isEmpty(key === 'Healthcheck' && value ? dropEmpty(value as Record<string, unknown>) : value)) out[key] = sortKeys(value);
      } else {
        out[key] = value === undefined ? (key in ZERO ? ZERO[key] : null) : sortKeys(value);
      }
    }
    return JSON.stringify(out);
  };
  return view(stored) === view(wanted);
}
