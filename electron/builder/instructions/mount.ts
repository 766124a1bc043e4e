/**
 * `RUN --mount=type=cache,target=/root/.cache,sharing=locked` (BuildKit syntax): comma-separated
 * fields, CSV-quoted where a value holds a comma; `key=value` or a bare boolean key.
 */
export type MountType = 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
export type CacheSharing = 'shared' | 'private' | 'locked';

export interface MountSpec {
  type: MountType;
  target?: string;
  source?: string;
  from?: string;
  readOnly: boolean;
  id?: string;
  sharing: CacheSharing;
  mode?: number;
  uid?: number;
  gid?: number;
  required: boolean;
  /** tmpfs size in bytes. */
  size?: number;
  /** secret: also (or instead) expose it as this environment variable. */
  env?: string;
}

const TYPES: readonly MountType[] = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'];
const SHARING: readonly CacheSharing[] = ['shared', 'private', 'locked'];

export function parseMount(value: string): MountSpec {
  const fields = splitCsv(value).map((field) => {
    const eq = field.indexOf('=');
    return eq < 0 ? { key: field.trim().toLowerCase(), value: undefined } : { key: field.slice(0, eq).trim().toLowerCase(), value: field.slice(eq + 1) };
  });

  const typeField = fields.find((f) => f.key === 'type');
  const type = (typeField?.value ?? 'bind') as MountType;
  if (!TYPES.includes(type)) throw new Error(`unsupported mount type "${typeField?.value}"`);

  const spec: MountSpec = { type, readOnly: type === 'bind', sharing: 'shared', required: false };
  for (const { key, value: v } of fields) {
    const need = () => {
      if (v === undefined) throw new Error(`invalid mount option "${key}": missing a value`);
      return v;
    };
    switch (key) {
      case 'type':
        break;
      case 'target': case 'dst': case 'destination':
        spec.target = need();
        break;
      case 'source': case 'src':
        spec.source = need();
        break;
      case 'from':
        spec.from = need();
        break;
      case 'readonly': case 'ro':
        spec.readOnly = parseBool(key, v);
        break;
      case 'readwrite': case 'rw':
        spec.readOnly = !parseBool(key, v);
        break;
      case 'required':
        spec.required = parseBool(key, v);
        break;
      case 'id':
        spec.id = need();
        break;
      case 'sharing': {
        const sharing = need() as CacheSharing;
        if (!SHARING.includes(sharing)) throw new Error(`unsupported sharing value "${sharing}"`);
        spec.sharing = sharing;
        break;
      }
      case 'mode':
        spec.mode = parseNumber(key, need(), 8);
        break;
      case 'uid':
        spec.uid = parseNumber(key, need(), 10);
        break;
      case 'gid':
        spec.gid = parseNumber(key, need(), 10);
        break;
      case 'size':
        spec.size = parseSize(need());
        break;
      case 'env':
        spec.env = need();
        break;
      default:
        throw new Error(`unexpected key '${key}' in '${value}'`);
    }
  }

  if (spec.type === 'secret' || spec.type === 'ssh') {
    if (spec.type === 'secret' && !spec.id && !spec.source && !spec.target && !spec.env) {
      throw new Error('secret mount requires an id, a source, a target or an env');
    }
    spec.id ??= spec.type === 'ssh' ? 'default' : spec.source ?? spec.target?.split('/').at(-1);
    if (spec.type === 'secret' && !spec.env) spec.target ??= `/run/secrets/${spec.id}`;
    spec.readOnly = true;
  } else if (!spec.target) {
    throw new Error(`mount type ${spec.type} requires a target`);
  }
  if (spec.type === 'cache') spec.id ??= spec.target;
  return spec;
}

function parseBool(key: string, v: string | undefined): boolean {
  if (v === undefined) return true;
  const lower = v.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  throw new Error(`invalid value for ${key}: ${v}`);
}

function parseNumber(key: string, v: string, radix: 8 | 10): number {
  const pattern = radix === 8 ? /^[0-7]+$/ : /^\d+$/;
  if (!pattern.test(v)) throw new Error(`invalid value for ${key}: ${v}`);
  return parseInt(v, radix);
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

function parseSize(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(v.trim());
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`invalid size: ${v}`);
  return Math.round(Number(m[1]) * unit);
}

/** Splits on commas outside double quotes, removing the quotes (Go's encoding/csv, one record). */
function splitCsv(text: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) throw new Error(`unterminated quote in mount "${text}"`);
  out.push(field);
  return out;
}
