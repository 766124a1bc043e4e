/**
 * What RUN's mounts need from an engine beyond containers: named volumes (persistent cache
 * mounts, and one scratch volume per step for secrets, scripts and bind sources) and a way
 * to take the mount points the engine made out of a committed layer.
 */
import type { ContainerOwner, Image } from '../backend';
import type { ImageConfigFile } from '../image/config';

export interface VolumeInfo {
  name: string;
  labels: Record<string, string>;
  /** ISO time, as the engine reports it. */
  createdAt?: string;
}

export interface VolumeBackend {
  /** The volume, if the engine has it. */
  find(name: string): Promise<VolumeInfo | undefined>;
  /** Creates a local volume (an existing one of that name is kept as it is). */
  create(name: string, labels: Record<string, string>): Promise<void>;
  /** A new, empty volume for one step, labelled as its containers are (so a sweep finds it); its name. */
  createScratch(owner: ContainerOwner): Promise<string>;
  /** The volume's directory on the engine's host, usable as a bind mount source. */
  mountpoint(name: string): Promise<string>;
  /** Removes the volume; a missing one is not an error. */
  remove(name: string): Promise<void>;
  /** Remembers that a cache volume was just used (for "last used" in the app). */
  touch?(name: string): Promise<void>;
}

export interface LayerRewriter {
  /**
   * A copy of `image` (whose config file is `file`, built on `parent`) without the paths `drop`
   * accepts in its top layer; the layer goes away when nothing is left in it. Returns the new
   * image; `image` itself is left for the caller to remove.
   */
  dropFromTopLayer(image: string, file: ImageConfigFile, parent: string, drop: (path: string) => boolean): Promise<Image>;
}

export interface RunMountBackend {
  volumes: VolumeBackend;
  layers: LayerRewriter;
}
