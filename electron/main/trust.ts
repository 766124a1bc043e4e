import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IpcMainInvokeEvent, WebContents } from 'electron';

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

/** The renderer's page: the dev server's origin while developing, else the built index.html file. */
export function rendererUrlCheck(devServer: string | undefined, indexHtml: string): (url: string) => boolean {
  if (devServer) {
    const origin = new URL(devServer).origin;
    return (url) => originOf(url) === origin;
  }
  // Compared as paths, not URL text: Chromium and Node need not percent-encode a path alike.
  const page = resolve(indexHtml);
  return (url) => filePathOf(url) === page;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function filePathOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'file:' ? resolve(fileURLToPath(parsed)) : undefined;
  } catch {
    return undefined;
  }
}
