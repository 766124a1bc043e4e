import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { callChannels, type EventChannel, type PayloadOf } from '../../shared/contract';
import type { Core } from '../core/app-core';
import { dispatch, failure } from '../core/dispatch';

export interface SenderTrust {
  isTrustedSender(event: IpcMainInvokeEvent): boolean;
}
export type SendToWindows = <E extends EventChannel>(channel: E, payload: PayloadOf<E>) => void;

/**
 * The contract over Electron IPC: one `handle` per call, every answer an envelope (a foreign
 * sender gets FORBIDDEN, a bad channel or payload the dispatcher's error), and every core event
 * sent on to the windows. The Electron objects come in as parameters so tests can fake them.
 * Returns the unwiring.
 */
export function wireIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  core: Pick<Core, 'handlers' | 'subscribe'>,
  trust: SenderTrust,
  sendToWindows: SendToWindows,
): () => void {
  for (const channel of callChannels) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, payload: unknown) => {
      if (!trusts(trust, event)) return failure({ code: 'FORBIDDEN', message: 'Calls are accepted only from Slipway windows' });
      return dispatch(core.handlers, channel, payload);
    });
  }
  const unsubscribe = core.subscribe(sendToWindows);
  return () => {
    unsubscribe();
    for (const channel of callChannels) ipcMain.removeHandler(channel);
  };
}

/** A sender whose frame is already gone can make the check throw: that is no trust either. */
function trusts(trust: SenderTrust, event: IpcMainInvokeEvent): boolean {
  try {
    return trust.isTrustedSender(event);
  } catch {
    return false;
  }
}
