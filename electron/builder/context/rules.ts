/**
 * Which context paths the engine ends up with, decided from names alone. Classic `docker build`
 * does it in two places, and Slipway, which never sends the whole context, must reproduce both:
 *
 * 1. The CLI tars the folder (go-archive TarWithOptions) with the .dockerignore patterns plus
 *    `!.dockerignore` and `!<Dockerfile>` when those would be excluded (TrimBuildFilesFromExcludes),
 *    deciding per entry with MatchesUsingParentResults. An excluded directory is still walked
 *    (but not itself sent) when an exception pattern starts with its path.
 * 2. The engine then deletes .dockerignore and the Dockerfile again if the original patterns match
 *    them or a parent (remotecontext.removeDockerfile, MatchesOrParentMatches).
 */
import { PatternMatcher, type ParentMatches } from './ignore';
import { cleanPath } from './paths';

/** How the CLI's tar walk treats a path: sent, walked through without being sent, or left out. */
export type WalkVerdict = 'sent' | 'walked' | 'skipped';

interface DirectoryVerdict {
  verdict: WalkVerdict;
  matches: ParentMatches;
}

export class ExclusionRules {
  /** The patterns the CLI tars with. */
  private readonly sent: PatternMatcher;
  /** .dockerignore and the Dockerfile when the engine deletes them after receiving the tar. */
  private readonly removed = new Set<string>();
  private readonly directories = new Map<string, DirectoryVerdict>();

  constructor(
    /** The .dockerignore patterns, as ignorefile.ReadAll returns them. */
    readonly patterns: readonly string[],
    /** The Dockerfile's context-relative path, when it is inside the context. */
    dockerfile?: string,
  ) {
    const original = new PatternMatcher(patterns);
    let sent = original;
    const buildFiles = ['.dockerignore', ...(dockerfile === undefined ? [] : [cleanPath(dockerfile)])];
    for (const file of buildFiles) {
      if (sent.matchesLegacy(file)) sent = new PatternMatcher([...sent.lines, `!${file}`]);
      if (original.matchesOrParentMatches(file)) this.removed.add(file);
    }
    this.sent = sent;
  }

  /**
   * The tar walk's verdict on `path` (context-relative, cleaned, every ancestor a directory).
   * `walked` is only given to directories.
   */
  walkVerdict(path: string, isDirectory: boolean): WalkVerdict {
    if (path === '.') return 'walked';
    const slash = path.lastIndexOf('/');
    let parentMatches: ParentMatches | undefined;
    if (slash >= 0) {
      const parent = this.directoryVerdict(path.slice(0, slash));
      if (parent.verdict === 'skipped') return 'skipped';
      parentMatches = parent.matches;
    }
    return this.verdictFor(path, isDirectory, parentMatches).verdict;
  }

  /** Whether the engine deletes this path after receiving it (.dockerignore or the Dockerfile). */
  isRemoved(path: string): boolean {
    return this.removed.has(path);
  }

  /** The .dockerignore verdict: true unless the path reaches the engine as itself. */
  isExcluded(path: string): boolean {
    const clean = cleanPath(path.replace(/^\/+/, ''));
    if (clean === '.') return false;
    if (clean === '..' || clean.startsWith('../')) return true;
    return this.walkVerdict(clean, false) !== 'sent' || this.isRemoved(clean);
  }

  private directoryVerdict(path: string): DirectoryVerdict {
    let known = this.directories.get(path);
    if (known) return known;
    const slash = path.lastIndexOf('/');
    let parentMatches: ParentMatches | undefined;
    if (slash >= 0) {
      const parent = this.directoryVerdict(path.slice(0, slash));
      if (parent.verdict === 'skipped') {
        known = parent;
        this.directories.set(path, known);
        return known;
      }
      parentMatches = parent.matches;
    }
    known = this.verdictFor(path, true, parentMatches);
    this.directories.set(path, known);
    return known;
  }

  private verdictFor(path: string, isDirectory: boolean, parentMatches: ParentMatches | undefined): DirectoryVerdict {
    const { excluded, matches } = this.sent.matchesUsingParentResults(path, parentMatches);
    if (!excluded) return { verdict: 'sent', matches };
    return { verdict: isDirectory && this.mayReinclude(path) ? 'walked' : 'skipped', matches };
  }

  /** go-archive keeps walking an excluded directory when an exception pattern starts with its path. */
  private mayReinclude(directory: string): boolean {
    if (!this.sent.hasExceptions) return false;
    const prefix = `${directory}/`;
    return this.sent.patterns.some((pattern) => pattern.exception && `${pattern.text}/`.startsWith(prefix));
  }
}
