import { describe, expect, it } from 'vitest';
import { goFormatHealthcheck, goQuoteSlice } from '../../../electron/builder/dispatchers/go-format';
import { parsePortSpec } from '../../../electron/builder/dispatchers/ports';
import { isValidSignal } from '../../../electron/builder/dispatchers/signals';
import { sameConfig } from '../../../electron/builder/image/compare';
import { emptyRunConfig } from '../../../electron/builder/image/config';

describe('history texts in Go format', () => {
  it('quotes string slices like %q', () => {
    expect(goQuoteSlice(['/bin/sh', '-c', 'echo "hi"'])).toBe('["/bin/sh" "-c" "echo \\"hi\\""]');
  });

  it('formats a health check like %q of *HealthConfig', () => {
    expect(goFormatHealthcheck({ Test: ['CMD-SHELL', 'true'], Interval: 90e9, Retries: 3 })).toBe(
      '&{["CMD-SHELL" "true"] "1m30s" "0s" "0s" "0s" \'\\x03\'}',
    );
  });
});

describe('EXPOSE port specs', () => {
  it('expands ranges and defaults to tcp', () => {
    expect(parsePortSpec('80')).toEqual(['80/tcp']);
    expect(parsePortSpec('53/UDP')).toEqual(['53/udp']);
    expect(parsePortSpec('8000-8002/tcp')).toEqual(['8000/tcp', '8001/tcp', '8002/tcp']);
  });

  it('rejects bad protocols and ports', () => {
    expect(() => parsePortSpec('80/icmp')).toThrow('invalid proto: icmp');
    expect(() => parsePortSpec('eighty')).toThrow('invalid containerPort: eighty');
  });
});

describe('signals', () => {
  it('accepts names with or without SIG and numbers', () => {
    expect(['SIGTERM', 'term', 'KILL', '9', 'SIGRTMIN+3'].every(isValidSignal)).toBe(true);
    expect(['SIGNOPE', '0', '-1'].some(isValidSignal)).toBe(false);
  });
});

describe('config comparison', () => {
  it('treats absent, null and empty alike but not different values', () => {
    const a = { ...emptyRunConfig(), Env: ['A=1'], ExposedPorts: { '80/tcp': {} } };
    expect(sameConfig(a, { ...a, Volumes: {}, OnBuild: [] })).toBe(true);
    expect(sameConfig(a, { ...a, ExposedPorts: { '81/tcp': {} } })).toBe(false);
    expect(sameConfig(a, { ...a, Env: ['A=1', 'B=2'] })).toBe(false);
  });
});
