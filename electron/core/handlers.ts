import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { factsFromImageConfig } from '../builder/checks';
import { outlineWithBaseImages } from '../builder/frontend';
import { engineInfo } from '../docker/engine';
import { cacheUsageDir, DockerVolumes } from '../docker/volumes';
import type { BuildManager } from './builds';
import { listFolder, summarizeContext } from './context-summary';
import { contextUsage } from './context-usage';
import { imageSettings } from './image-settings';
import type { Handlers } from './dispatch';
import type { EnginePool } from './engine-pool';
import { slipwayHome } from './paths';

const dockerfilePath = (req: { context: string; dockerfile: string }) =>
  isAbsolute(req.dockerfile) ? req.dockerfile : join(resolve(req.context), req.dockerfile);

/** The implementation of every call of the contract, over the engines and the build manager. */
export function createHandlers(engines: EnginePool, builds: BuildManager, home = slipwayHome()): Handlers {
  // Calls that name no engine talk to the current one.
  const docker = () => engines.handle().docker;
  const volumes = () => new DockerVolumes(docker(), cacheUsageDir(home));
  return {
    'slipway:engine:info': (req) => engineInfo(engines.handle(req?.engine).docker),
    'slipway:engine:contexts': async () => engines.contexts(),
    'slipway:fs:list': (req) => listFolder(req.path ?? homedir()),
    'slipway:context:inspect': (req) => summarizeContext(req.context),
    'slipway:context:usage': (req) => contextUsage(req),
    'slipway:dockerfile:outline': async (req) => {
      const text = await readFile(dockerfilePath(req), 'utf8');
      // Base images the engine has tell the checks their Env (UndefinedVar); nothing is pulled.
      const result = await outlineWithBaseImages(text, { ...(req.target ? { target: req.target } : {}), buildArgs: req.buildArgs ?? {} }, async (ref) =>
        factsFromImageConfig((await docker().getImage(ref).inspect()).Config),
      );
      return { text, graph: result.graph, buildArgs: result.graph.buildArgs, warnings: result.warnings };
    },
    'slipway:dockerfile:read': async (req) => ({ text: await readFile(dockerfilePath(req), 'utf8') }),
    'slipway:build:start': (req) => builds.start(req),
    'slipway:build:cancel': async (req) => builds.cancel(req.buildId),
    'slipway:build:list': async () => builds.list(),
    'slipway:build:events': (req) => builds.events(req.buildId, req.from),
    'slipway:image:config': (req) => imageSettings(engines.handle(req.engine).docker, req.imageId),
    'slipway:step:kill': async (req) => builds.kill(req.buildId, req.stepId),
    'slipway:step:layer': (req) => builds.stepLayer(req.buildId, req.stepId),
    'slipway:build:waste': (req) => builds.buildWaste(req.buildId),
    'slipway:step:retry': (req) => builds.retry(req.buildId),
    'slipway:shell:open': async (req) => ({ shellId: await builds.openShell(req.buildId, req.stepId, req.cols, req.rows) }),
    'slipway:build:breakpoints': async (req) => builds.debug.setBreakpoints(req),
    'slipway:build:resume': async (req) => builds.debug.resume(req),
    'slipway:debug:shell': async (req) => ({ shellId: await builds.debug.openShell(req) }),
    'slipway:debug:diff': (req) => builds.debug.diff(req.buildId, req.stepId),
    'slipway:debug:close': (req) => builds.debug.close(req.buildId, req.stepId),
    'slipway:shell:input': async (req) => builds.shell(req.shellId).write(req.data),
    'slipway:shell:resize': (req) => builds.shell(req.shellId).resize(req.cols, req.rows),
    'slipway:shell:close': (req) => builds.closeShell(req.shellId),
    'slipway:history:list': () => builds.history.list(),
    'slipway:history:open': (req) => builds.history.open(req.buildId),
    'slipway:history:export': (req) => builds.history.export(req.buildId),
    'slipway:history:import': (req) => builds.history.import(req),
    'slipway:history:delete': (req) => builds.remove(req.buildId),
    'slipway:cacheMounts:list': () => volumes().listCacheMounts(),
    'slipway:cacheMounts:prune': (req) => volumes().pruneCacheMounts(req.ids),
  };
}
