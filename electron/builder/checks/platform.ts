/**
 * A `--platform` value's OS and architecture, normalized as containerd's platforms.Parse does,
 * for FromPlatformFlagConstDisallowed (which looks for them in the stage's name).
 */

const KNOWN_OS = new Set([
  'aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl', 'netbsd',
  'openbsd', 'plan9', 'solaris', 'windows', 'zos',
]);
const KNOWN_ARCH = new Set([
  '386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'ppc64', 'ppc64le', 'loong64', 'mips', 'mipsle',
  'mips64', 'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm',
]);
const IDENTIFIER = /^[A-Za-z0-9_-]+$/;

export interface PlatformSpec {
  os: string;
  architecture: string;
}

function normalizeOS(os: string): string {
  const lower = os.toLowerCase();
  return lower === 'macos' ? 'darwin' : lower;
}

function normalizeArch(arch: string): string {
  const lower = arch.toLowerCase();
  switch (lower) {
    case 'i386':
      return '386';
    case 'x86_64':
    case 'x86-64':
      return 'amd64';
    case 'aarch64':
      return 'arm64';
    case 'armhf':
    case 'armel':
      return 'arm';
    default:
      return lower;
  }
}

/**
 * `linux/amd64`, `linux/arm/v7`, `windows(10.0.17763)/amd64`, or one of `linux` / `arm64` alone
 * (the other part is the host's). Undefined when containerd would reject it.
 */
export function parsePlatform(specifier: string, host: PlatformSpec): PlatformSpec | undefined {
  if (specifier.includes('*')) return undefined;
  const parts = specifier.split('/');
  // An OS version in parentheses after the OS (`windows(10.0.17763)`) is not part of its name.
  const osPart = parts[0]!.replace(/\([^()]*\)$/, '');
  if (![osPart, ...parts.slice(1)].every((part) => IDENTIFIER.test(part))) return undefined;
  switch (parts.length) {
    case 1: {
      const os = normalizeOS(osPart);
      if (KNOWN_OS.has(os)) return { os, architecture: host.architecture };
      const architecture = normalizeArch(osPart);
      return KNOWN_ARCH.has(architecture) ? { os: host.os, architecture } : undefined;
    }
    case 2:
    case 3:
      return { os: normalizeOS(osPart), architecture: normalizeArch(parts[1]!) };
    default:
      return undefined;
  }
}
