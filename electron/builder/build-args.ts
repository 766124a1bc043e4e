/**
 * Build arguments with the classic builder's scoping: `--build-arg` values, meta-ARGs (before the
 * first FROM) and the ARGs each stage declares; the proxy variables need no ARG. The automatic
 * platform ARGs (TARGETARCH, ...) are meta-ARGs every Dockerfile has.
 */
import { isPlatformArg } from './platform';

const PROXY_ARGS = new Set(
  ['HTTP_PROXY', 'HTTPS_PROXY', 'FTP_PROXY', 'NO_PROXY', 'ALL_PROXY'].flatMap((k) => [k, k.toLowerCase()]),
);

export const isProxyArg = (key: string) => PROXY_ARGS.has(key);

export class BuildArgs {
  /** ARGs declared in the current stage: name -> default (undefined when declared without one). */
  private readonly allowed = new Map<string, string | undefined>();

  constructor(
    /** `--build-arg` values (a bare `--build-arg K` with K unset in the environment is absent). */
    private readonly fromOptions: ReadonlyMap<string, string>,
    /** Resolved meta-ARG values. */
    private readonly meta: ReadonlyMap<string, string>,
    /** Every ARG name any stage declared, for the unused-argument warning. */
    private readonly referenced: Set<string>,
  ) {}

  /** A fresh scope for a new stage: meta-ARGs stay, declarations are forgotten. */
  forStage(): BuildArgs {
    return new BuildArgs(this.fromOptions, this.meta, this.referenced);
  }

  declare(key: string, defaultValue: string | undefined): void {
    this.allowed.set(key, defaultValue);
    this.referenced.add(key);
  }

  isDeclared(key: string): boolean {
    return this.allowed.has(key);
  }

  /** The value of one declared (or proxy) arg, if it has one. */
  value(key: string): string | undefined {
    const declared = this.allowed.has(key);
    if (!declared && !PROXY_ARGS.has(key)) return undefined;
    if (this.fromOptions.has(key)) return this.fromOptions.get(key);
    const defaultValue = this.allowed.get(key);
    if (defaultValue === undefined) return this.meta.get(key);
    return defaultValue;
  }

  /** Declared and proxy args that have a value, minus those the Env already sets (ENV wins). */
  applicable(env: readonly string[] | null): [string, string][] {
    const inEnv = new Set((env ?? []).map((e) => e.split('=', 1)[0]));
    const keys = new Set([...this.allowed.keys(), ...[...this.fromOptions.keys()].filter((k) => PROXY_ARGS.has(k))]);
    const out: [string, string][] = [];
    for (const key of keys) {
      const value = this.value(key);
      if (value !== undefined && !inEnv.has(key)) out.push([key, value]);
    }
    return out;
  }

  /** A proxy variable stays out of cache keys and history unless the Dockerfile declares it. */
  isReferencedOrNotProxy(key: string): boolean {
    return this.allowed.has(key) || !PROXY_ARGS.has(key);
  }

  /** `--build-arg` names no stage declared (proxy variables and the platform ARGs they override are exempt). */
  static unused(fromOptions: ReadonlyMap<string, string>, referenced: ReadonlySet<string>, metaNames: ReadonlySet<string>): string[] {
    return [...fromOptions.keys()].filter((k) => !referenced.has(k) && !metaNames.has(k) && !PROXY_ARGS.has(k) && !isPlatformArg(k)).sort();
  }
}
