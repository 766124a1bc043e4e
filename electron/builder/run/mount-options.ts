/**
 * One `RUN --mount=...` value read as BuildKit reads it at dispatch (instructions/commands_runmount.go):
 * CSV fields, each value expanded against the stage's variables, then the per-type rules and
 * BuildKit's error messages. The only reader of `--mount`: the parse-time check and the graph's
 * `from=` edges use it too, on the value as written.
 */
export type RunMountType = 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
export type CacheSharing = 'shared' | 'private' | 'locked';

export interface RunMountOptions {
  type: RunMountType;
  from?: string;
  source?: string;
  target?: string;
  readOnly: boolean;
  required: boolean;
  /** tmpfs `size`, in bytes. */
  sizeLimit?: number;
  /** `id`: a cache's identity, or a secret's. */
  id?: string;
  sharing?: CacheSharing;
  mode?: number;
  uid?: number;
  gid?: number;
  /** secret: expose it as this environment variable. */
  env?: string;
}

const TYPES: readonly RunMountType[] = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'];
const SHARING: readonly CacheSharing[] = ['shared', 'private', 'locked'];

export class MountOptionError extends Error {}

export function parseRunMount(value: string, expand: (word: string) => string): RunMountOptions {
  const m: RunMountOptions = { type: 'bind', readOnly: false, required: false };
  let roAuto = true;

  for (const field of csvFields(value)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    if (eq < 0) {
      switch (key) {
        case 'readonly': case 'ro':
          m.readOnly = true;
          roAuto = false;
          continue;
        case 'readwrite': case 'rw':
          m.readOnly = false;
          roAuto = false;
          continue;
        case 'required':
          if (m.type !== 'secret' && m.type !== 'ssh') throw new MountOptionError(`unexpected key '${key}' for mount type '${m.type}'`);
          m.required = true;
          continue;
        default:
          throw new MountOptionError(`invalid field '${field}' must be a key=value pair`);
      }
    }
    const v = expand(field.slice(eq + 1));
    switch (key) {
      case 'type': {
        const type = v.toLowerCase() as RunMountType;
        if (!TYPES.includes(type)) throw new MountOptionError(`unsupported mount type "${v}"`);
        m.type = type;
        break;
      }
      case 'from':
        m.from = v;
        break;
      case 'source': case 'src':
        m.source = v;
        break;
      case 'target': case 'dst': case 'destination':
        m.target = v;
        break;
      case 'readonly': case 'ro':
        m.readOnly = parseGoBool(key, v);
        roAuto = false;
        break;
      case 'readwrite': case 'rw':
        m.readOnly = !parseGoBool(key, v);
        roAuto = false;
        break;
      case 'required':
        if (m.type !== 'secret' && m.type !== 'ssh') throw new MountOptionError(`unexpected key '${key}' for mount type '${m.type}'`);
        m.required = parseGoBool(key, v);
        break;
      case 'size':
        if (m.type !== 'tmpfs') throw new MountOptionError(`unexpected key '${key}' for mount type '${m.type}'`);
        m.sizeLimit = ramInBytes(key, v);
        break;
      case 'id':
        m.id = v;
        break;
      case 'sharing': {
        const sharing = v.toLowerCase() as CacheSharing;
        if (!SHARING.includes(sharing)) throw new MountOptionError(`unsupported sharing value "${v}"`);
        m.sharing = sharing;
        break;
      }
      case 'mode':
        m.mode = parseUint(v, 8, `invalid value ${v} for mode`);
        break;
      case 'uid':
        m.uid = parseUint(v, 10, `invalid value ${v} for uid`);
        break;
      case 'gid':
        m.gid = parseUint(v, 10, `invalid value ${v} for gid`);
        break;
      case 'env':
        m.env = v;
        break;
      default:
        throw new MountOptionError(`unexpected key '${key}' in '${field}'`);
    }
  }

  const fileInfoAllowed = m.type === 'secret' || m.type === 'ssh' || m.type === 'cache';
  if (!fileInfoAllowed) {
    for (const name of ['mode', 'uid', 'gid'] as const) {
      if (m[name] !== undefined) throw new MountOptionError(`${name} not allowed for "${m.type}" type mounts`);
    }
  }
  if (roAuto) m.readOnly = !(m.type === 'cache' || m.type === 'tmpfs');
  if (m.type === 'secret') {
    if (m.from !== undefined && m.from !== '') throw new MountOptionError('secret mount should not have a from');
    if (m.sharing !== undefined) throw new MountOptionError('secret mount should not define sharing');
    if (!m.source && !m.target && !m.id) throw new MountOptionError('invalid secret mount. one of source, target required');
    if (m.source && m.id) throw new MountOptionError("both source and id can't be set");
  }
  if (m.sharing !== undefined && m.type !== 'cache') throw new MountOptionError(`invalid cache sharing set for ${m.type} mount`);
  return m;
}

/**
 * Parse time: the same reading on the value as written (variables are expanded only at dispatch),
 * so a bad mount fails before the build starts, even in a stage the target does not need.
 */
export function parseRunMountAsWritten(value: string): RunMountOptions {
  const m = parseRunMount(value, (word) => word);
  if (m.type === 'bind' || m.type === 'cache' || m.type === 'tmpfs') requireTarget(m);
  return m;
}

/** Every mount but a secret or an ssh agent needs a target. */
export function requireTarget(m: RunMountOptions): string {
  if (!m.target) throw new MountOptionError(`mount type ${m.type} requires a target`);
  return m.target;
}

/** Go's strconv.ParseBool. */
function parseGoBool(key: string, v: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw new MountOptionError(`invalid value for ${key}: ${v}`);
}

/** strconv.ParseUint(v, base, 32). */
function parseUint(v: string, base: 8 | 10, message: string): number {
  const digits = base === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!digits.test(v)) throw new MountOptionError(message);
  const n = parseInt(v, base);
  if (n > 0xffffffff) throw new MountOptionError(message);
  return n;
}

const RAM_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** go-units RAMInBytes: `64m`, `1.5GiB`, `512` (binary multipliers). */
function ramInBytes(key: string, v: string): number {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(v);
  if (!m) throw new MountOptionError(`invalid value for ${key}: ${v}`);
  const size = Number.parseFloat(m[1]!);
  if (!Number.isFinite(size)) throw new MountOptionError(`invalid value for ${key}: ${v}`);
  return Math.trunc(size * RAM_UNITS[(m[2] ?? '').toLowerCase()]!);
}

/** One CSV record, as Go's encoding/csv reads it: a field that starts with `"` is quoted, `""` is a quote. */
export function csvFields(text: string, what = 'mounts'): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new MountOptionError(`failed to parse csv ${what}: extraneous or missing " in quoted-field`);
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      if (i < text.length && text[i] !== ',') throw new MountOptionError(`failed to parse csv ${what}: extraneous or missing " in quoted-field`);
    } else {
      const end = text.indexOf(',', i);
      field = text.slice(i, end < 0 ? text.length : end);
      if (field.includes('"')) throw new MountOptionError(`failed to parse csv ${what}: bare " in non-quoted-field`);
      i = end < 0 ? text.length : end;
    }
    fields.push(field);
    if (i >= text.length) return fields;
    i++; // the comma
  }
}
