/**
 * Is this a valid image reference, as `docker pull` would take it (distribution/reference's
 * ParseNormalizedNamed)? Used by InvalidDefaultArgInFrom on FROM lines expanded with defaults.
 */

const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainAndPort = `(?:${domainName}|${ipv6})(?::[0-9]+)?`;
const alphaNumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphaNumeric}(?:${separator}${alphaNumeric})*`;
const name = `(?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${name})(?::${tag})?(?:@${digest})?$`);
const HEX_ID = /^[a-f0-9]{64}$/;
const NAME_MAX = 255;

/** True when `ref` parses as a normalized image name ([domain/]path[:tag][@digest]). */
export function isValidImageReference(ref: string): boolean {
  if (ref === '' || HEX_ID.test(ref)) return false;
  const slash = ref.indexOf('/');
  const first = slash < 0 ? '' : ref.slice(0, slash);
  const hasDomain = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  const remainder = hasDomain ? ref.slice(slash + 1) : ref;
  const colon = remainder.indexOf(':');
  const remote = colon < 0 ? remainder : remainder.slice(0, colon);
  if (remote.toLowerCase() !== remote) return false;
  const match = REFERENCE.exec(ref);
  return !!match && match[1]!.length <= NAME_MAX;
}
