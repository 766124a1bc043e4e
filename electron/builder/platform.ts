/**
 * The automatic platform ARGs BuildKit defines (BUILDPLATFORM, TARGETARCH, ...): set in the
 * global scope, so FROM lines can use them, and visible in a stage once `ARG NAME` declares
 * them. Slipway builds for the engine's own platform, so build and target are the same.
 */

export interface Platform {
  os: string;
  architecture: string;
  variant: string;
}

/** The names, in BuildKit's order; a `--build-arg` of the same name overrides the value. */
export const PLATFORM_ARG_NAMES = [
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
] as const;

const PLATFORM_ARGS: ReadonlySet<string> = new Set(PLATFORM_ARG_NAMES);

export const isPlatformArg = (key: string): boolean => PLATFORM_ARGS.has(key);

/** An architecture (and variant) as Go and OCI spell it: x86_64 -> amd64, armhf -> arm/v7, aarch64/v8 -> arm64. */
export function normalizeArch(arch: string, variant = ''): { architecture: string; variant: string } {
  let a = arch.toLowerCase();
  let v = variant.toLowerCase();
  switch (a) {
    case 'i386':
      a = '386';
      v = '';
      break;
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      a = 'amd64';
      if (v === 'v1') v = '';
      break;
    case 'aarch64':
    case 'arm64':
      a = 'arm64';
      if (v === '8' || v === 'v8' || v === 'v8.0') v = '';
      else if (v === '9' || v === '9.0' || v === 'v9.0') v = 'v9';
      break;
    case 'armhf':
      a = 'arm';
      v = 'v7';
      break;
    case 'armel':
      a = 'arm';
      v = 'v6';
      break;
    case 'arm':
      if (v === '' || v === '7') v = 'v7';
      else if (v === '5' || v === '6' || v === '8') v = `v${v}`;
      break;
  }
  return { architecture: a, variant: v };
}

/** `os/arch[/variant]`, as containerd formats a platform. */
export function formatPlatform(p: Platform): string {
  if (!p.os) return 'unknown';
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** The platform of an engine that reports `arch` (its Go architecture, or a machine name). */
export function enginePlatform(arch: string, os = 'linux'): Platform {
  const { architecture, variant } = normalizeArch(arch);
  return { os: os.toLowerCase(), architecture, variant };
}

/** Node's idea of this machine, for outlines drawn without an engine. */
export function hostPlatform(): Platform {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
  return enginePlatform(arch, 'linux');
}

/** The automatic ARG values for building on (and for) `platform`. */
export function platformArgs(platform: Platform): Map<string, string> {
  const formatted = formatPlatform(platform);
  return new Map<string, string>([
    ['BUILDPLATFORM', formatted],
    ['BUILDOS', platform.os],
    ['BUILDARCH', platform.architecture],
    ['BUILDVARIANT', platform.variant],
    ['TARGETPLATFORM', formatted],
    ['TARGETOS', platform.os],
    ['TARGETARCH', platform.architecture],
    ['TARGETVARIANT', platform.variant],
  ]);
}
