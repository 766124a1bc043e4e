import type { SlipwayApi } from '../../shared/contract';

/**
 * The renderer's web client (renderer/src/bridge/web-api.ts), loaded for tests under Node.
 * It belongs to the DOM-typed project (tsconfig.web.json), which the Node-typed test project
 * cannot import from, so it is loaded by a path tsc does not follow and typed here by hand.
 */
export interface WebApiModule {
  createWebApi(
    url: string,
    options: { openSocket: (url: string) => unknown; firstDelayMs?: number; maxDelayMs?: number },
  ): { api: SlipwayApi; onConnectionChange(listener: (state: string) => void): () => void; close(): void };
}

export async function loadWebApi(): Promise<WebApiModule> {
  const path = new URL('../../renderer/src/bridge/web-api.ts', import.meta.url).href;
  return (await import(/* @vite-ignore */ path)) as WebApiModule;
}
