import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { isAppUrl } from './app-protocol';

/** Which IPC senders are Slipway's own page (Electron's "validate the sender of all IPC messages"). */
export interface SenderRules {
  /** Is this WebContents one of our BrowserWindows (not a devtools or foreign webContents)? */
  isOurWindow(sender: WebContents): boolean;
  /** Is this URL the renderer's own page? */
  isRendererUrl(url: string): boolean;
}

/** Only the main frame of one of our windows, showing our page: never a subframe or another site. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, rules: SenderRules): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame === event.sender.mainFrame && rules.isOurWindow(event.sender) && rules.isRendererUrl(frame.url);
}

/** The renderer's page: the dev server's origin while developing, else Slipway's own app:// origin. */
export function rendererUrlCheck(devServer: string | undefined): (url: string) => boolean {
  if (devServer) {
    const origin = new URL(devServer).origin;
    return (url) => originOf(url) === origin;
  }
  return isAppUrl;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
