import type { StepStatus } from '../store/reducer';

export const STATUS_LABEL: Record<StepStatus, string> = {
  pending: 'not built',
  queued: 'queued',
  running: 'running',
  cached: 'cached',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
};

export const BUILD_STATUS_LABEL: Record<string, string> = {
  pending: 'starting',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};
