import { join } from 'node:path';
import type Docker from 'dockerode';
import { ConfigStore } from '../builder/image/config-store';
import { DiskImageCache, noCache } from '../builder/image-cache/cache';
import type { BuildEngine } from '../builder/session';
import { DockerContainers } from '../docker/containers';
import { engineInfo } from '../docker/engine';
import { DockerImages } from '../docker/images';
import { DockerLayerRewriter } from '../docker/layer-rewrite';
import { cacheUsageDir, DockerVolumes } from '../docker/volumes';
import { engineStateDir } from './engine-state';
import { slipwayHome } from './paths';

/** The builder's view of one engine: dockerode backends plus Slipway's cache and config store. */
export async function createBuildEngine(docker: Docker, home = slipwayHome()): Promise<BuildEngine> {
  const info = await engineInfo(docker);
  // This engine's own cache index and config store (engine-state.ts): engines never share images.
  const state = await engineStateDir(docker, home);
  const configs = new ConfigStore(join(state, 'image-configs'));
  const images = new DockerImages(docker, configs, { loadNeedsLayers: info.kind === 'podman' });
  const exists = async (id: string) => (await images.findImage(id)) !== undefined;
  return {
    backend: {
      images,
      containers: new DockerContainers(docker),
      mounts: { volumes: new DockerVolumes(docker, cacheUsageDir(home)), layers: new DockerLayerRewriter(docker, images, configs) },
    },
    cache: new DiskImageCache(join(state, 'build-cache'), exists),
    noCache,
    version: info.version,
    architecture: goArch(info.arch),
  };
}

/** The engine reports Go's GOARCH already (amd64, arm64); keep it as the image architecture. */
function goArch(arch: string): string {
  return arch === 'x86_64' ? 'amd64' : arch === 'aarch64' ? 'arm64' : arch;
}
