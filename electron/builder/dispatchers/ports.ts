/**
 * EXPOSE's port specs (`80`, `80/udp`, `8000-8010/tcp`, `127.0.0.1:80:80`): the exposed ports as
 * `port/proto` keys, with docker's validation messages.
 */
export function parsePortSpec(raw: string): string[] {
  const parts = raw.split(':');
  const containerPart = parts.at(-1)!;
  const slash = containerPart.indexOf('/');
  const port = slash < 0 ? containerPart : containerPart.slice(0, slash);
  let proto = slash < 0 ? 'tcp' : containerPart.slice(slash + 1) || 'tcp';
  if (port === '') throw new Error(`no port specified: ${raw}<empty>`);
  proto = proto.toLowerCase();
  if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new Error(`invalid proto: ${proto}`);
  const range = /^(\d+)(?:-(\d+))?$/.exec(port);
  const start = range ? Number(range[1]) : NaN;
  const end = range?.[2] !== undefined ? Number(range[2]) : start;
  if (!range || start > 65535 || end > 65535 || end < start) throw new Error(`invalid containerPort: ${port}`);
  const out: string[] = [];
  for (let p = start; p <= end; p++) out.push(`${p}/${proto}`);
  return out;
}
