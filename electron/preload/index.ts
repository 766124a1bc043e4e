import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { callChannels, eventChannels, listenerName, methodName } from '../../shared/contract';

// window.slipway, generated from the contract: one method per call, one onX per event.
// ipcRenderer itself never reaches the page.
const api: Record<string, unknown> = {};
for (const channel of callChannels) {
  api[methodName(channel)] = (request?: unknown) => ipcRenderer.invoke(channel, request);
}
for (const channel of eventChannels as string[]) {
  api[listenerName(channel)] = (listener: (payload: unknown) => void) => {
    const forward = (_event: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => ipcRenderer.removeListener(channel, forward);
  };
}
contextBridge.exposeInMainWorld('slipway', api);

// A sandboxed page sees a dropped folder as a File without a path; Electron's webUtils gives it
// one. Only this: the page learns the path of what the user dropped, nothing more.
contextBridge.exposeInMainWorld('slipwayFiles', {
  pathForFile: (file: File) => webUtils.getPathForFile(file),
});
