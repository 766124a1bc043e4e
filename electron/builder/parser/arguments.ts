// Per-keyword argument rules (README §3.3): how the text after the flags becomes `args`.

import { DockerfileError } from '../errors';
import { BLANK_RUN, isGoSpaceByte, utf8Bytes, utf8Text } from './chars';
import { goQuote } from '../go-quote';
import { parseJsonStringArray } from './json-array';
import type { EscapeToken } from './types';
import { splitWordsKeepingQuotes } from './words';

export interface Arguments {
  args: string[];
  json: boolean;
}

const NONE: Arguments = { args: [], json: false };

/** FROM, EXPOSE, and the shell-form fallback of ADD/COPY/VOLUME. */
function blankSeparated(rest: string): Arguments {
  return rest === '' ? NONE : { args: rest.split(BLANK_RUN), json: false };
}

/** MAINTAINER, USER, WORKDIR, STOPSIGNAL: the text as one argument. */
function verbatim(rest: string): Arguments {
  return rest === '' ? NONE : { args: [rest], json: false };
}

/** RUN, CMD, ENTRYPOINT, SHELL: a JSON array, or else the text verbatim (invalid JSON included). */
function jsonOrVerbatim(rest: string): Arguments {
  if (rest === '') return NONE;
  const array = parseJsonStringArray(rest);
  return array ? { args: array, json: true } : { args: [rest], json: false };
}

/** ADD, COPY, VOLUME: a JSON array, or else blank-separated words. */
function jsonOrWords(rest: string): Arguments {
  const array = parseJsonStringArray(rest);
  return array ? { args: array, json: true } : blankSeparated(rest);
}

/**
 * HEALTHCHECK: the type word (CMD, NONE, ...) as written, then the rest as for CMD.
 * BuildKit finds the type's end byte by byte (see extractFlags), so we do too.
 */
function healthcheck(rest: string): Arguments {
  const bytes = utf8Bytes(rest);
  let typeEnd = 0;
  while (typeEnd < bytes.length && !isGoSpaceByte(bytes[typeEnd] ?? 0)) typeEnd++;
  if (typeEnd === 0) return NONE;
  let commandStart = typeEnd;
  while (commandStart < bytes.length && isGoSpaceByte(bytes[commandStart] ?? 0)) commandStart++;
  const command = jsonOrVerbatim(utf8Text(bytes.subarray(commandStart)));
  return { args: [utf8Text(bytes.subarray(0, typeEnd)), ...command.args], json: command.json };
}

/**
 * ENV and LABEL. Old form `KEY value` (first word has no `=`) gives `key value ""`;
 * new form `k=v k2=v2` gives `k v "=" k2 v2 "="`. Quotes stay in place.
 */
function keyValuePairs(rest: string, escape: EscapeToken, instruction: 'ENV' | 'LABEL'): Arguments {
  const words = splitWordsKeepingQuotes(rest, escape);
  const first = words[0];
  if (first === undefined) return NONE;
  if (!first.includes('=')) {
    const gap = BLANK_RUN.exec(rest);
    if (!gap) throw new DockerfileError(`${instruction} must have two arguments`);
    return { args: [rest.slice(0, gap.index), rest.slice(gap.index + gap[0].length), ''], json: false };
  }
  const args: string[] = [];
  for (const word of words) {
    const equals = word.indexOf('=');
    if (equals < 0) {
      throw new DockerfileError(
        `Syntax error - can't find = in ${goQuote(word)}. Must be of the form: name=value`,
      );
    }
    args.push(word.slice(0, equals), word.slice(equals + 1), '=');
  }
  return { args, json: false };
}

/**
 * Arguments of every keyword except ONBUILD (which nests a whole instruction, see
 * instruction.ts). `keyword` is lowercased; `rest` is the trimmed text after the flags.
 */
export function parseArguments(keyword: string, rest: string, escape: EscapeToken): Arguments {
  switch (keyword) {
    case 'from':
    case 'expose':
      return blankSeparated(rest);
    case 'add':
    case 'copy':
    case 'volume':
      return jsonOrWords(rest);
    case 'run':
    case 'cmd':
    case 'entrypoint':
    case 'shell':
      return jsonOrVerbatim(rest);
    case 'healthcheck':
      return healthcheck(rest);
    case 'env':
      return keyValuePairs(rest, escape, 'ENV');
    case 'label':
      return keyValuePairs(rest, escape, 'LABEL');
    case 'arg':
      return { args: splitWordsKeepingQuotes(rest, escape), json: false };
    case 'maintainer':
    case 'user':
    case 'workdir':
    case 'stopsignal':
      return verbatim(rest);
    default:
      // Unknown instructions parse; they are rejected later. BuildKit gives them one empty argument.
      return { args: [''], json: false };
  }
}
