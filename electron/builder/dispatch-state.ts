import { BuildArgs } from './build-args';
import { DEFAULT_PATH, envGet, withChanges, type RunConfig } from './image/config';

/** One stage's state while its steps run: the image so far and its config (moby's dispatchState). */
export class DispatchState {
  /** The current image; '' while a `FROM scratch` stage has made none. */
  imageId = '';
  config: RunConfig;
  /** Whether CMD was set in this stage (ENTRYPOINT then keeps it). */
  cmdSet = false;
  maintainer = '';
  /** After the first cache miss, every later step of the stage misses too. */
  cacheBusted = false;
  /** The step whose miss busted it. */
  cacheBustedBy?: string;

  constructor(
    readonly os: string,
    readonly architecture: string,
    baseConfig: RunConfig,
    baseImageId: string,
    readonly buildArgs: BuildArgs,
  ) {
    this.imageId = baseImageId;
    // A stage starts from the base image's config, with PATH defaulted and stdin detached.
    this.config = withChanges(baseConfig, (c) => {
      if (envGet(c.Env, 'PATH') === undefined) c.Env = [...(c.Env ?? []), DEFAULT_PATH];
      c.OpenStdin = false;
      c.StdinOnce = false;
    });
  }

  /** The environment word expansion sees: the stage's Env, plus build args it does not set. */
  expansionEnv(): Map<string, string> {
    const env = new Map<string, string>();
    for (const [key, value] of this.buildArgs.applicable(this.config.Env)) env.set(key, value);
    for (const entry of this.config.Env ?? []) {
      const eq = entry.indexOf('=');
      env.set(eq < 0 ? entry : entry.slice(0, eq), eq < 0 ? '' : entry.slice(eq + 1));
    }
    return env;
  }

  /** SHELL, or the OS default, for shell-form commands and `#(nop)` comments. */
  shell(): string[] {
    return this.config.Shell?.length ? [...this.config.Shell] : ['/bin/sh', '-c'];
  }
}
