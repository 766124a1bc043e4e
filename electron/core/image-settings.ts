import type Docker from 'dockerode';
import type { ImageSettings } from '../../shared/contract';
import { NotFoundError } from './errors';

/** An image's config as the step panel shows it, from image inspect (fields every engine version keeps). */
export async function imageSettings(docker: Docker, imageId: string): Promise<ImageSettings> {
  const info = await docker
    .getImage(imageId)
    .inspect()
    .catch((err: { statusCode?: number }) => {
      throw err.statusCode === 404 ? new NotFoundError(`the image ${imageId.slice(7, 19)} no longer exists on the engine`) : err;
    });
  const c = info.Config;
  return {
    id: info.Id,
    created: info.Created,
    os: info.Os,
    architecture: info.Architecture,
    layers: info.RootFS?.Layers?.length ?? 0,
    config: {
      Env: c.Env,
      Cmd: c.Cmd,
      Entrypoint: c.Entrypoint as string[] | null,
      Shell: (c as { Shell?: string[] }).Shell ?? null,
      WorkingDir: c.WorkingDir,
      User: c.User,
      ExposedPorts: c.ExposedPorts,
      Volumes: c.Volumes,
      Labels: c.Labels,
      StopSignal: (c as { StopSignal?: string }).StopSignal,
      Healthcheck: (c as { Healthcheck?: ImageSettings['config']['Healthcheck'] }).Healthcheck ?? null,
      OnBuild: c.OnBuild,
    },
  };
}
