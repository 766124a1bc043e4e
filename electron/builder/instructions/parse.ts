/**
 * AST -> typed instructions -> stages, with BuildKit's argument checks and messages. Every error
 * is a DockerfileError carrying the instruction's line range.
 */
import { DockerfileError } from '../errors';
import { parseHeredocMarker, type Heredoc, type Node, type ParseResult } from '../parser';
import type {
  ArgCommand,
  Command,
  CommandLine,
  Dockerfile,
  FromCommand,
  HealthConfig,
  InlineFile,
  Instruction,
  KeyValue,
  Stage,
} from './commands';
import { INSTRUCTION_KINDS } from '../../../shared/graph';
import { parseGoDuration } from './duration';
import { FlagError, parseFlags, type FlagSpec, type FlagValues } from './flags';
import { closest } from './suggest';
import { parseRunMountAsWritten } from '../run/mount-options';

/** The typed stages and meta-ARGs of a parsed Dockerfile. */
export function parseInstructions(ast: ParseResult): Dockerfile {
  const metaArgs: ArgCommand[] = [];
  const stages: Stage[] = [];
  for (const node of ast.nodes) {
    const instruction = parseInstruction(node);
    const current = stages.at(-1);
    if (instruction.kind === 'FROM') {
      stages.push({ index: stages.length, from: instruction, commands: [] });
    } else if (current) {
      current.commands.push(instruction);
    } else if (instruction.kind === 'ARG') {
      metaArgs.push(instruction);
    } else {
      throw new DockerfileError(
        `${instruction.kind} before the first FROM: no build stage in current context (only ARG may precede FROM)`,
        node.range,
      );
    }
  }
  if (stages.length === 0) {
    throw new DockerfileError('the Dockerfile has no FROM instruction: a build needs at least one stage', ast.range);
  }
  checkStageNames(stages);
  return { metaArgs, stages };
}

/** One AST node as a typed instruction. */
export function parseInstruction(node: Node): Instruction {
  const keyword = node.keyword.toUpperCase();
  const parse = Object.hasOwn(PARSERS, keyword) ? PARSERS[keyword as keyof typeof PARSERS] : undefined;
  if (!parse) {
    const suggestion = closest(keyword, INSTRUCTION_KINDS);
    const asWritten = node.original.trim().split(/\s/, 1)[0] ?? node.keyword;
    throw new DockerfileError(
      `unknown instruction: ${asWritten}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
      node.range,
    );
  }
  try {
    return parse(node);
  } catch (err) {
    if (err instanceof DockerfileError) throw err;
    throw new DockerfileError(err instanceof Error ? err.message : String(err), node.range);
  }
}

const base = (node: Node) => ({ original: node.original.trim(), range: node.range });

function flags<S extends FlagSpec>(node: Node, spec: S): FlagValues<S> {
  try {
    return parseFlags(node.flags, spec);
  } catch (err) {
    if (err instanceof FlagError) throw new DockerfileError(`${node.keyword.toUpperCase()}: ${err.message}`, node.range);
    throw err;
  }
}

const usedFlags = (node: Node) => node.flags.map((f) => f.replace(/^--/, '').split('=')[0]!);

function exactlyOne(node: Node): string {
  if (node.args.length !== 1) throw new Error(`${node.keyword.toUpperCase()} requires exactly one argument`);
  return node.args[0]!;
}

function atLeastOne(node: Node): void {
  if (node.args.length === 0) throw new Error(`${node.keyword.toUpperCase()} requires at least one argument`);
}

/** ENV and LABEL arrive from the parser as (key, value, separator) triples. */
function keyValues(node: Node): KeyValue[] {
  atLeastOne(node);
  const pairs: KeyValue[] = [];
  for (let i = 0; i + 1 < node.args.length; i += 3) {
    const key = node.args[i]!;
    if (key === '') throw new Error(`${node.keyword.toUpperCase()} names can not be blank`);
    pairs.push({ key, value: node.args[i + 1]! });
  }
  return pairs;
}

function commandLine(node: Node): CommandLine {
  if (node.json) return { args: [...node.args], prependShell: false };
  return { args: node.args.length ? [node.args.join(' ')] : [], prependShell: true };
}

function inlineFile(doc: Heredoc): InlineFile {
  return { name: doc.name, content: doc.content, chomp: doc.chomp, expand: doc.expand };
}

/** Splits COPY/ADD arguments into context sources, heredoc sources and the destination. */
function sourcesAndDest(node: Node) {
  const name = node.keyword.toUpperCase();
  if (node.args.length < 2) {
    throw new Error(`${name} requires at least two arguments, but only one was provided. Destination could not be determined`);
  }
  const dest = node.args.at(-1)!;
  const heredocNamed = (word: string) => {
    const marker = parseHeredocMarker(word);
    return marker ? node.heredocs.find((h) => h.name === marker.name) : undefined;
  };
  if (heredocNamed(dest)) throw new Error(`${name} cannot accept a heredoc as a destination`);
  const sources: string[] = [];
  const inline: InlineFile[] = [];
  for (const word of node.args.slice(0, -1)) {
    const doc = heredocNamed(word);
    if (doc) inline.push(inlineFile(doc));
    else sources.push(word);
  }
  return { sources, inline, dest };
}

function durationFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ns = parseGoDuration(value);
  if (ns === 0) return undefined;
  if (ns < 1e6) throw new Error(`Interval "${name}" cannot be less than 1ms`);
  return ns;
}

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

const PARSERS: Record<string, (node: Node) => Instruction> = {
  FROM(node): FromCommand {
    const f = flags(node, { platform: 'string' });
    const { args } = node;
    let stageName: string | undefined;
    if (args.length === 3 && args[1]!.toLowerCase() === 'as') {
      stageName = args[2]!.toLowerCase();
      if (!STAGE_NAME.test(stageName)) {
        throw new Error(`invalid name for build stage: "${args[2]}", name can't start with a number or contain symbols`);
      }
    } else if (args.length !== 1) {
      throw new Error('FROM requires either one or three arguments');
    }
    return { kind: 'FROM', ...base(node), baseName: args[0]!, stageName, platform: f.platform };
  },

  RUN(node) {
    const f = flags(node, { mount: 'list', network: 'string', security: 'string' });
    if (f.network !== undefined && !['default', 'none', 'host'].includes(f.network)) {
      throw new Error(`unsupported network mode "${f.network}" (use default, none or host)`);
    }
    if (f.security !== undefined && !['sandbox', 'insecure'].includes(f.security)) {
      throw new Error(`unsupported security mode "${f.security}" (use sandbox or insecure)`);
    }
    for (const mount of f.mount) parseRunMountAsWritten(mount);
    return {
      kind: 'RUN',
      ...base(node),
      ...commandLine(node),
      files: node.heredocs.map(inlineFile),
      mounts: f.mount,
      network: f.network as 'default' | 'none' | 'host' | undefined,
      security: f.security as 'sandbox' | 'insecure' | undefined,
      flagsUsed: usedFlags(node),
    };
  },

  CMD(node) {
    flags(node, {});
    return { kind: 'CMD', ...base(node), ...commandLine(node) };
  },

  ENTRYPOINT(node) {
    flags(node, {});
    return { kind: 'ENTRYPOINT', ...base(node), ...commandLine(node) };
  },

  LABEL(node) {
    flags(node, {});
    return { kind: 'LABEL', ...base(node), labels: keyValues(node) };
  },

  MAINTAINER(node) {
    flags(node, {});
    return { kind: 'MAINTAINER', ...base(node), maintainer: exactlyOne(node) };
  },

  EXPOSE(node) {
    flags(node, {});
    atLeastOne(node);
    return { kind: 'EXPOSE', ...base(node), ports: [...node.args].sort() };
  },

  ENV(node) {
    flags(node, {});
    return { kind: 'ENV', ...base(node), env: keyValues(node) };
  },

  ADD(node) {
    const f = flags(node, {
      chown: 'string', chmod: 'string', link: 'bool', 'keep-git-dir': 'bool', checksum: 'string',
      unpack: 'bool', exclude: 'list',
    });
    return {
      kind: 'ADD',
      ...base(node),
      ...sourcesAndDest(node),
      chown: f.chown,
      chmod: f.chmod,
      link: f.link ?? false,
      exclude: f.exclude,
      keepGitDir: f['keep-git-dir'] ?? false,
      checksum: f.checksum,
      unpack: f.unpack,
      flagsUsed: usedFlags(node),
    };
  },

  COPY(node) {
    const f = flags(node, {
      chown: 'string', chmod: 'string', from: 'string', link: 'bool', parents: 'bool', exclude: 'list',
    });
    return {
      kind: 'COPY',
      ...base(node),
      ...sourcesAndDest(node),
      from: f.from,
      chown: f.chown,
      chmod: f.chmod,
      link: f.link ?? false,
      parents: f.parents ?? false,
      exclude: f.exclude,
      flagsUsed: usedFlags(node),
    };
  },

  VOLUME(node) {
    flags(node, {});
    atLeastOne(node);
    const volumes = node.args.map((v) => v.trim());
    if (volumes.includes('')) throw new Error('VOLUME specified can not be an empty string');
    return { kind: 'VOLUME', ...base(node), volumes };
  },

  USER(node) {
    flags(node, {});
    return { kind: 'USER', ...base(node), user: exactlyOne(node) };
  },

  WORKDIR(node) {
    flags(node, {});
    return { kind: 'WORKDIR', ...base(node), path: exactlyOne(node) };
  },

  ARG(node) {
    flags(node, {});
    atLeastOne(node);
    const args = node.args.map((word) => {
      const eq = word.indexOf('=');
      if (eq < 0) return { key: word };
      if (eq === 0) throw new Error('ARG names can not be blank');
      return { key: word.slice(0, eq), value: word.slice(eq + 1) };
    });
    return { kind: 'ARG', ...base(node), args };
  },

  ONBUILD(node) {
    flags(node, {});
    const trigger = node.child;
    if (!trigger) throw new Error('ONBUILD requires at least one argument');
    const name = trigger.keyword.toUpperCase();
    if (name === 'ONBUILD') throw new Error('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
    if (name === 'FROM' || name === 'MAINTAINER') throw new Error(`${name} isn't allowed as an ONBUILD trigger`);
    let expression = node.original.replace(/^\s*ONBUILD\s*/i, '');
    for (const doc of node.heredocs) expression += '\n' + doc.content + doc.name;
    return { kind: 'ONBUILD', ...base(node), expression };
  },

  STOPSIGNAL(node) {
    flags(node, {});
    return { kind: 'STOPSIGNAL', ...base(node), signal: exactlyOne(node) };
  },

  HEALTHCHECK(node) {
    atLeastOne(node);
    const type = node.args[0]!.toUpperCase();
    const rest = node.args.slice(1);
    if (type === 'NONE') {
      flags(node, {});
      if (rest.length) throw new Error('HEALTHCHECK NONE takes no arguments');
      return { kind: 'HEALTHCHECK', ...base(node), health: { test: ['NONE'] } };
    }
    const f = flags(node, {
      interval: 'string', timeout: 'string', 'start-period': 'string', 'start-interval': 'string', retries: 'string',
    });
    if (type !== 'CMD') throw new Error(`Unknown type "${type}" in HEALTHCHECK (try CMD)`);
    const cmd = node.json ? rest : rest.length ? [rest.join(' ')] : [];
    if (cmd.length === 0) throw new Error('Missing command after HEALTHCHECK CMD');
    const health: HealthConfig = {
      test: [node.json ? 'CMD' : 'CMD-SHELL', ...cmd],
      interval: durationFlag('interval', f.interval),
      timeout: durationFlag('timeout', f.timeout),
      startPeriod: durationFlag('start-period', f['start-period']),
      startInterval: durationFlag('start-interval', f['start-interval']),
    };
    if (f.retries !== undefined && f.retries !== '') {
      if (!/^[+-]?\d+$/.test(f.retries)) throw new Error(`strconv.ParseInt: parsing "${f.retries}": invalid syntax`);
      const retries = Number(f.retries);
      if (retries < 0) throw new Error(`--retries cannot be negative (${retries})`);
      health.retries = retries;
    }
    return { kind: 'HEALTHCHECK', ...base(node), health };
  },

  SHELL(node) {
    flags(node, {});
    if (node.args.length === 0) throw new Error('SHELL requires at least one argument');
    if (!node.json) throw new Error(`SHELL requires the arguments to be in JSON form, not: ${node.original.trim()}`);
    return { kind: 'SHELL', ...base(node), shell: [...node.args] };
  },
};

function checkStageNames(stages: Stage[]): void {
  const seen = new Map<string, Stage>();
  for (const stage of stages) {
    const name = stage.from.stageName;
    if (name === undefined) continue;
    const first = seen.get(name);
    if (first) {
      throw new DockerfileError(
        `duplicate stage name "${name}": already used by the stage on line ${first.from.range.start}`,
        stage.from.range,
      );
    }
    seen.set(name, stage);
  }
}

export type { Command };
