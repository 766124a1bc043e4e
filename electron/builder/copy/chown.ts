import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { ExecBackend } from '../backend';

export interface Identity {
  uid: number;
  gid: number;
}

/**
 * `--chown=user[:group]`: numbers as they are, names looked up in the destination image's own
 * /etc/passwd and /etc/group (a missing group part means the user spec is the group too).
 */
export async function resolveChown(containers: ExecBackend, containerId: string, chown: string): Promise<Identity> {
  const parts = chown.split(':');
  if (parts.length > 2) throw new Error(`invalid chown string format: ${chown}`);
  const [userSpec, groupSpec] = [parts[0]!, parts[1] ?? parts[0]!];
  const uid = await lookup(userSpec, 'user', () => readEtc(containers, containerId, 'passwd'), 2);
  const gid = await lookup(groupSpec, 'group', () => readEtc(containers, containerId, 'group'), 2);
  return { uid, gid };
}

async function lookup(spec: string, kind: 'user' | 'group', file: () => Promise<string>, idField: number): Promise<number> {
  if (/^\d+$/.test(spec)) return Number(spec);
  const fail = (why: string) => new Error(`unable to convert uid/gid chown string to host mapping: can't find ${kind === 'user' ? 'uid' : 'gid'} for ${kind} ${spec}: ${why}`);
  let text: string;
  try {
    text = await file();
  } catch {
    throw fail(`open /etc/${kind === 'user' ? 'passwd' : 'group'}: no such file or directory`);
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === spec && fields[idField] !== undefined) return Number(fields[idField]);
  }
  throw fail(`no such ${kind}: ${spec}`);
}

async function readEtc(containers: ExecBackend, containerId: string, name: 'passwd' | 'group'): Promise<string> {
  const archive = await containers.getArchive(containerId, `/etc/${name}`);
  return firstFileOf(archive);
}

/** The content of the first regular file in a (small) tar stream. */
async function firstFileOf(archive: Readable): Promise<string> {
  const extract = tar.extract();
  let text: string | undefined;
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c) => chunks.push(c as Buffer));
    stream.on('end', () => {
      if (text === undefined && header.type === 'file') text = Buffer.concat(chunks).toString('utf8');
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
    archive.on('error', reject);
    archive.pipe(extract as unknown as NodeJS.WritableStream);
  });
  if (text === undefined) throw new Error('not a file');
  return text;
}

/**
 * A header as the classic builder's chown leaves it: the new owner, and — as chown(2) does on
 * Linux — setuid cleared from files, setgid too when the group may execute.
 */
export function chownHeader<H extends { type?: string | null; mode?: number; uid?: number; gid?: number }>(header: H, identity: Identity): H {
  let mode = header.mode ?? 0;
  if (header.type !== 'directory' && header.type !== 'symlink') {
    mode &= ~0o4000;
    if (mode & 0o010) mode &= ~0o2000;
  }
  return { ...header, mode, uid: identity.uid, gid: identity.gid };
}
