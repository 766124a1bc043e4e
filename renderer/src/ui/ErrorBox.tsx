import type { ReactNode } from 'react';
import type { BridgeError } from '../../../shared/contract';

const TITLES: Partial<Record<BridgeError['code'], string>> = {
  DOCKERFILE: 'Dockerfile error',
  ENGINE_UNAVAILABLE: 'Docker engine not running',
  NOT_FOUND: 'Not found',
  DISCONNECTED: 'Not connected to Slipway',
  BAD_REQUEST: 'Rejected request',
  FORBIDDEN: 'Not allowed',
};

/** One way to show any error: what kind, where (a Dockerfile line), the message. */
export function ErrorBox({ error, title, children, compact }: { error: BridgeError; title?: string; children?: ReactNode; compact?: boolean }) {
  const heading = title ?? TITLES[error.code] ?? 'Something went wrong';
  const where = error.location
    ? error.location.start === error.location.end
      ? ` at line ${error.location.start}`
      : ` at lines ${error.location.start}–${error.location.end}`
    : '';
  return (
    <div className={`error-box${compact ? ' compact' : ''}`} role="alert" data-testid="error-box" data-code={error.code}>
      <div className="error-title">
        {heading}
        {where}
      </div>
      <div className="error-message">{error.message}</div>
      {children}
    </div>
  );
}
