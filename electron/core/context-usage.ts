/**
 * The context inspector: given a context folder, its .dockerignore and a Dockerfile, which
 * files each COPY/ADD uses (sources resolved like the builder does, wildcards included), which
 * paths they name that .dockerignore keeps from the build (and by which line), and the largest
 * files no step uses. Reads the folder only; no engine.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { LARGE_FILE_BYTES, type ContextUsage, type IgnoreRule, type UsageFile, type UsageStep, type UsageWarning } from '../../shared/context-usage';
import type { OutlineRequest } from '../../shared/contract';
import { ContextSource, type ContextEntry } from '../builder/context';
import { IgnorePattern, PatternMatcher, readIgnoreFile } from '../builder/context/ignore';
import { resolveSource } from '../builder/context/resolve';
import { ExclusionRules } from '../builder/context/rules';
import { ContextView } from '../builder/context/view';
import { isUrl } from '../builder/copy/download';
import { excludeMatcher } from '../builder/copy/modes';
import { loadDockerfile } from '../builder/frontend';
import { buildGraph, resolveMetaArgs } from '../builder/graph';
import type { AddCommand, CopyCommand, Stage } from '../builder/instructions';
import { ShellLexer } from '../builder/shell';

/** How many files the answer lists (the counts and warnings cover them all). */
export const MAX_LISTED_FILES = 20_000;
const MAX_LARGE_UNUSED = 20;

export async function contextUsage(request: OutlineRequest): Promise<ContextUsage> {
  const dockerfilePath = isAbsolute(request.dockerfile) ? request.dockerfile : join(resolve(request.context), request.dockerfile);
  const { ast, dockerfile } = loadDockerfile(await readFile(dockerfilePath));
  const escapeToken = ast.directives.escape;
  const buildArgs = request.buildArgs ?? {};
  const graph = buildGraph(dockerfile, { ...(request.target ? { target: request.target } : {}), buildArgs, escapeToken });
  const kept = new Set(graph.steps.map((s) => s.id));

  const inside = relative(resolve(request.context), resolve(dockerfilePath));
  const source = await ContextSource.open(resolve(request.context), inside.startsWith('..') ? {} : { dockerfile: inside });
  try {
    const rules = await readRules(source.root);
    // The folder as it is, .dockerignore not applied: to tell "excluded" from "missing".
    const folder = new ContextView(source.root, new ExclusionRules([]));
    const usedBy = new Map<string, string[]>();
    const steps: UsageStep[] = [];
    const warnings: UsageWarning[] = [];

    for (const { stage, command, stepId, expand } of contextCopies(dockerfile.stages, dockerfile.metaArgs, buildArgs, escapeToken)) {
      if (!kept.has(stepId)) continue;
      const paths = command.sources.map(expand).filter((p) => !isUrl(p));
      // Heredoc-only or URL-only: nothing read from the context.
      if (paths.length === 0) continue;
      const line = command.range.start;
      const used = new Map<string, number>();
      const excludedByFlag = safeExcludeMatcher(command.exclude.map(expand));
      for (const path of paths) {
        const entries = await source.resolve(path).catch(() => [] as ContextEntry[]);
        for (const entry of entries) await collectFiles(source, entry, used, excludedByFlag);
        const onDisk = await resolveSource(folder, path).catch(() => [] as ContextEntry[]);
        const excluded = onDisk.filter((e) => source.isExcluded(e.path));
        for (const entry of excluded) {
          const rule = decidingRule(rules, entry.path);
          warnings.push({
            kind: 'excluded',
            stepId,
            line,
            source: path,
            path: entry.path,
            ...(rule ? { rule } : {}),
            message: `${entry.path} is referenced by ${command.kind} on line ${line} but excluded by .dockerignore${rule ? ` rule \`${rule.pattern}\` (line ${rule.line})` : ''}`,
          });
        }
        if (entries.length === 0 && onDisk.length === 0) {
          warnings.push({
            kind: 'missing',
            stepId,
            line,
            source: path,
            message: /[*?[]/.test(path) ? `nothing matches ${path} (${command.kind} on line ${line})` : `${path} is not in the context folder (${command.kind} on line ${line})`,
          });
        }
      }
      for (const path of used.keys()) {
        const list = usedBy.get(path);
        if (list) list.push(stepId);
        else usedBy.set(path, [stepId]);
      }
      let bytes = 0;
      for (const size of used.values()) bytes += size;
      steps.push({ stepId, stage, kind: command.kind, instruction: command.original, line, files: used.size, bytes });
    }

    const files: UsageFile[] = [];
    const unusedFiles: { path: string; size: number }[] = [];
    let total = 0;
    let unusedBytes = 0;
    const buildFiles = new Set(['.dockerignore', ...(inside.startsWith('..') ? [] : [inside.split(sep).join('/')])]);
    for await (const entry of source.walk()) {
      if (entry.type === 'directory') continue;
      total++;
      const users = usedBy.get(entry.path) ?? [];
      if (files.length < MAX_LISTED_FILES) files.push({ path: entry.path, size: entry.size, usedBy: users });
      if (users.length === 0 && !buildFiles.has(entry.path)) {
        unusedBytes += entry.size;
        unusedFiles.push({ path: entry.path, size: entry.size });
      }
    }
    const largeUnused = unusedFiles
      .filter((f) => f.size >= LARGE_FILE_BYTES)
      .sort((a, b) => b.size - a.size || a.path.localeCompare(b.path))
      .slice(0, MAX_LARGE_UNUSED);
    return { root: source.root, buildFiles: [...buildFiles], steps, files, truncated: total > files.length, warnings, largeUnused, unused: { files: unusedFiles.length, bytes: unusedBytes } };
  } finally {
    await source.close();
  }
}

/**
 * The files (and symlinks) an entry brings: itself, or everything below a directory, less what
 * `--exclude` leaves out (matched relative to the source, a file by its name, as the copy does).
 */
async function collectFiles(source: ContextSource, entry: ContextEntry, used: Map<string, number>, excluded?: (relative: string) => boolean): Promise<void> {
  if (entry.type !== 'directory') {
    if (!excluded?.(posix.basename(entry.path))) used.set(entry.resolvedPath, entry.size);
    return;
  }
  const base = entry.resolvedPath === '.' ? '' : `${entry.resolvedPath}/`;
  for await (const inner of source.walk({ under: entry.resolvedPath })) {
    if (inner.type !== 'directory' && !excluded?.(inner.path.slice(base.length))) used.set(inner.path, inner.size);
  }
}

/** `--exclude` patterns; malformed ones fail the build itself, and exclude nothing here. */
function safeExcludeMatcher(patterns: string[]): ((relative: string) => boolean) | undefined {
  try {
    return excludeMatcher(patterns);
  } catch {
    return undefined;
  }
}

interface ContextCopy {
  stage: string;
  command: CopyCommand | AddCommand;
  stepId: string;
  /** Expands a source the way the stage would at that point (ARG and ENV seen so far). */
  expand: (word: string) => string;
}

/**
 * The COPY/ADD instructions that read the context, each with the variables in scope. The base
 * image's own ENV is not known without the engine; a stage built on another stage sees its ENV.
 */
function* contextCopies(
  stages: readonly Stage[],
  metaArgs: Parameters<typeof resolveMetaArgs>[0],
  buildArgs: Readonly<Record<string, string>>,
  escapeToken: '\\' | '`',
): Generator<ContextCopy> {
  const lexer = new ShellLexer({ escapeToken });
  const meta = resolveMetaArgs(metaArgs, buildArgs, lexer);
  const expandIn = (env: Map<string, string>) => (word: string) => {
    try {
      return lexer.processWord(word, env);
    } catch {
      return word;
    }
  };
  const envs: Map<string, string>[] = [];
  const names = new Map<string, number>();
  for (const stage of stages) {
    const baseStage = names.get(expandIn(meta)(stage.from.baseName).toLowerCase());
    const env = new Map(baseStage !== undefined ? envs[baseStage] : []);
    const key = stage.from.stageName ?? `stage-${stage.index}`;
    for (const [i, command] of stage.commands.entries()) {
      if (command.kind === 'ARG') {
        for (const { key: name, value } of command.args) {
          const v = Object.hasOwn(buildArgs, name) ? buildArgs[name] : value !== undefined ? expandIn(env)(value) : meta.get(name);
          if (v !== undefined) env.set(name, v);
        }
      } else if (command.kind === 'ENV') {
        for (const { key: name, value } of command.env) env.set(name, expandIn(env)(value));
      } else if ((command.kind === 'COPY' && command.from === undefined) || command.kind === 'ADD') {
        yield { stage: key, command, stepId: `${key}:${i + 2}`, expand: expandIn(new Map(env)) };
      }
    }
    envs[stage.index] = env;
    if (stage.from.stageName) names.set(stage.from.stageName, stage.index);
  }
}

interface Rule {
  rule: IgnoreRule;
  pattern: IgnorePattern;
}

/** The .dockerignore lines that are patterns, compiled, with their line numbers. */
async function readRules(root: string): Promise<Rule[]> {
  let text: string;
  try {
    text = await readFile(join(root, '.dockerignore'), 'utf8');
  } catch {
    return [];
  }
  const rules: Rule[] = [];
  text.split('\n').forEach((line, i) => {
    const [cleaned] = readIgnoreFile(line);
    if (cleaned === undefined) return;
    try {
      const pattern = new PatternMatcher([cleaned]).patterns[0];
      if (pattern) rules.push({ rule: { pattern: line.replace(/^\uFEFF/, '').trim(), line: i + 1 }, pattern });
    } catch {
      // A malformed pattern fails the build itself (ContextSource.open); nothing to explain.
    }
  });
  return rules;
}

/**
 * The line that leaves `path` excluded: the last pattern that matched it (or a parent folder)
 * while it could still change the verdict, as the CLI applies them in order.
 */
function decidingRule(rules: readonly Rule[], path: string): IgnoreRule | undefined {
  let excluded = false;
  let decided: IgnoreRule | undefined;
  for (const { rule, pattern } of rules) {
    if (pattern.exception !== excluded) continue;
    if (pattern.matches(path) || parents(path).some((p) => pattern.matches(p))) {
      excluded = !pattern.exception;
      decided = excluded ? rule : undefined;
    }
  }
  return decided;
}

function parents(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}
