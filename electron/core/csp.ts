/**
 * The renderer's Content-Security-Policy, sent by Electron and by web mode alike: only our own
 * scripts, no eval, no remote content. `connect` widens connect-src (web mode's WebSocket,
 * the dev server's hot reload).
 */
export function contentSecurityPolicy(connect: string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    // Already 'none' through default-src; said outright because plugins are the classic way round a CSP.
    "object-src 'none'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${connect.join(' ')}`.trim(),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
