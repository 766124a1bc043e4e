/** Linux signal names STOPSIGNAL accepts (with or without SIG, any case) or a positive number. */
const SIGNALS = new Set([
  'ABRT', 'ALRM', 'BUS', 'CHLD', 'CLD', 'CONT', 'FPE', 'HUP', 'ILL', 'INT', 'IO', 'IOT', 'KILL', 'PIPE', 'POLL', 'PROF',
  'PWR', 'QUIT', 'SEGV', 'STKFLT', 'STOP', 'SYS', 'TERM', 'TRAP', 'TSTP', 'TTIN', 'TTOU', 'UNUSED', 'URG', 'USR1',
  'USR2', 'VTALRM', 'WINCH', 'XCPU', 'XFSZ',
  ...Array.from({ length: 31 }, (_, i) => `RTMIN+${i + 1}`),
  ...Array.from({ length: 30 }, (_, i) => `RTMAX-${i + 1}`),
  'RTMIN', 'RTMAX',
]);

export function isValidSignal(raw: string): boolean {
  if (/^\d+$/.test(raw)) return Number(raw) > 0 && Number(raw) <= 64;
  return SIGNALS.has(raw.toUpperCase().replace(/^SIG/, ''));
}
