import { join } from 'node:path';
import type Docker from 'dockerode';
import { ConfigStore } from '../builder/image/config-store';
import { DiskImageCache, noCache } from '../builder/image-cache/cache';
import type { BuildEngine } from '../builder/session';
import { DockerContainers } from '../docker/containers';
import { engineInfo } from '../docker/engine';
import { EngineGuard } from '../docker/engine-guard';
import { DockerImages } from '../docker/images';
import { keepingCache, ledgerDir, runWithLedger } from '../docker/image-ledger';
import { DockerLayerRewriter } from '../docker/layer-rewrite';
import { cacheUsageDir, DockerVolumes } from '../docker/volumes';
import { engineStateDir } from './engine-state';
import { slipwayHome } from './paths';
import { CONTAINER_CALLS, IMAGE_CALLS, LAYER_CALLS, VOLUME_CALLS } from './engine-calls';

/** The builder's view of one engine: dockerode backends plus Slipway's cache and config store. */
export async function createBuildEngine(docker: Docker, home = slipwayHome()): Promise<BuildEngine> {
  const info = await engineInfo(docker);
  // This engine's own cache index and config store (engine-state.ts): engines never share images.
  const state = await engineStateDir(docker, home, info.kind ?? 'docker');
  const configs = new ConfigStore(join(state, 'image-configs'));
  const rawImages = new DockerImages(docker, configs, { loadNeedsLayers: info.kind === 'podman' });
  // Every engine call of a build guarded (engine-guard.ts), every image it makes written down (image-ledger.ts).
  const guard = new EngineGuard(docker);
  const images = guard.wrap(rawImages, IMAGE_CALLS);
  const exists = async (id: string) => (await images.findImage(id)) !== undefined;
  return {
    backend: {
      images,
      containers: guard.wrap(new DockerContainers(docker), CONTAINER_CALLS),
      mounts: {
        volumes: guard.wrap(new DockerVolumes(docker, cacheUsageDir(home)), VOLUME_CALLS),
        layers: guard.wrap(new DockerLayerRewriter(docker, rawImages, configs, { loadNeedsLayers: info.kind === 'podman' }), LAYER_CALLS),
      },
    },
    cache: keepingCache(new DiskImageCache(join(state, 'build-cache'), exists)),
    noCache: keepingCache(noCache),
    version: info.version,
    architecture: goArch(info.arch),
    scope: (buildId, run) => runWithLedger(ledgerDir(state), buildId, docker, run, (id, remove) => guard.removeLater(`image:${id}`, remove)),
  };
}

/** The engine reports Go's GOARCH already (amd64, arm64); keep it as the image architecture. */
function goArch(arch: string): string {
  return arch === 'x86_64' ? 'amd64' : arch === 'aarch64' ? 'arm64' : arch;
}
