/** Failures to reach an engine that are about TLS (wrong CA, no client certificate) or ssh (unknown host key, no usable key), said as such. */

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

/** A message for a TLS or ssh failure reaching `address`, or undefined when the failure is neither. */
export function connectionFailure(cause: unknown, address: string): string | undefined {
  const { code, message, statusCode } = (cause ?? {}) as { code?: string; message?: string; statusCode?: number };
  const text = message ?? '';
  // Plain HTTP to a TLS port: the engine answers 400 "Client sent an HTTP request to an HTTPS server".
  if (statusCode === 400 && /HTTPS server/i.test(text)) {
    return `The Docker engine at ${address} speaks TLS, but Slipway connected without it: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem), or use a docker context that has the certificates.`;
  }
  if (/Host denied \(verification failed\)/.test(text)) {
    return (
      `The ssh host key of ${address} is not one ~/.ssh/known_hosts lists for it (or it was revoked): ` +
      'check the key and add it, e.g. `ssh-keyscan -p PORT HOST >> ~/.ssh/known_hosts`, as `ssh` would require.'
    );
  }
  if (/All configured authentication methods failed/.test(text)) {
    return `The ssh server at ${address} accepted none of Slipway's keys: load yours into the ssh agent (SSH_AUTH_SOCK) or keep it in ~/.ssh (id_ed25519, id_ecdsa or id_rsa).`;
  }
  const tls = (code !== undefined && (TLS_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS'))) || /certificate|\bssl\b|\btls\b/i.test(text);
  if (!tls) return undefined;
  return (
    `TLS handshake with the Docker engine at ${address} failed (${text || code}): ` +
    'the engine\'s certificate must be signed by the CA in ca.pem and name the host, and the engine must accept cert.pem/key.pem ' +
    '(DOCKER_CERT_PATH, or the docker context\'s TLS files).'
  );
}
