import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ContextNode, ContextSummary, FolderListing } from '../../shared/contract';
import { ContextSource } from '../builder/context';

const DOCKERFILE = /(^|\/)(Dockerfile|Containerfile|[^/]+\.Dockerfile|Dockerfile\.[^/]+)$/;

/** The context as a build will see it (after .dockerignore): tree, sizes, totals, Dockerfiles. */
export async function summarizeContext(context: string): Promise<ContextSummary> {
  const source = await ContextSource.open(resolve(context));
  try {
    const tree: ContextNode = { name: '.', size: 0, children: [] };
    const dockerfiles: string[] = [];
    let files = 0;
    for await (const entry of source.walk()) {
      const parts = entry.path.split('/');
      let node = tree;
      for (const part of parts.slice(0, -1)) {
        node.size += entry.type === 'file' ? entry.size : 0;
        let child = node.children!.find((c) => c.name === part);
        if (!child) node.children!.push((child = { name: part, size: 0, children: [] }));
        node = child;
      }
      node.size += entry.type === 'file' ? entry.size : 0;
      if (entry.type === 'directory') {
        if (!node.children!.some((c) => c.name === parts.at(-1))) node.children!.push({ name: parts.at(-1)!, size: 0, children: [] });
      } else {
        node.children!.push({ name: parts.at(-1)!, size: entry.size });
        files++;
        if (DOCKERFILE.test(entry.path)) dockerfiles.push(entry.path);
      }
    }
    return { root: source.root, dockerfiles: dockerfiles.sort(), tree, files, bytes: tree.size };
  } finally {
    await source.close();
  }
}

/** One folder of this machine, folders first (web mode's folder browser). */
export async function listFolder(path: string): Promise<FolderListing> {
  const dir = resolve(path);
  const entries = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => !e.name.startsWith('.'))
    .map((e) => ({ name: e.name, isDirectory: e.isDirectory() }))
    .sort((a, b) => Number(b.isDirectory) - Number(a.isDirectory) || a.name.localeCompare(b.name));
  const parent = dirname(dir);
  return { path: dir, ...(parent !== dir ? { parent } : {}), entries: entries.map((e) => ({ ...e, path: join(dir, e.name) })).map(({ name, isDirectory }) => ({ name, isDirectory })) };
}
