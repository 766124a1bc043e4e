import type Docker from 'dockerode';
import { engineInfo } from '../docker/engine';
import type { Handlers } from './dispatch';

/** The implementation of every call, over the injected engine client. */
export function createHandlers(docker: Docker): Handlers {
  return {
    'slipway:engine:info': () => engineInfo(docker),
  };
}
