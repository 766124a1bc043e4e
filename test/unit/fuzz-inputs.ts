// Generators of hostile Dockerfiles and words for the fuzz test (test/unit/fuzz.test.ts).
// They aim at the places parsers break: every keyword and flag, JSON and shell forms,
// continuations with either escape token, heredocs, directives, BOM/CRLF, odd Unicode, and
// random junk mixed in anywhere.

import fc from 'fast-check';

export const KEYWORDS = [
  'FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT',
  'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
] as const;

/** Characters that mean something to the parser or the expander, and some that look like blanks. */
const SPECIAL = [
  '$', '{', '}', ':', '-', '+', '?', '#', '%', '/', '*', '"', "'", '\\', '`', '=', ' ', '\t', '[', ']',
  ',', '<', '<<', '@', '!', '0', '1', '\u00a0', '\u0085', '\u2028', '\u3000', '\uFEFF', '\v', '\f', '\r',
  '\x00', '\x7f', 'é', 'İ', 'ß', 'ǅ', '٣', '😀', '\ud800', '\udc00', '\u0301',
];

const NAMES = ['a', 'A', 'B_1', 'x', 'HOME', 'PATH', 'é', '٣', '_', '0', '1', '@', '*', '#', '?', '$', '!', '-'];

/** Any text, mostly the characters the code cares about. */
const junkChar = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }) },
);
export const junk = fc.array(junkChar, { maxLength: 12 }).map((parts) => parts.join(''));

/** Words for the shell expander: variables with every modifier, quotes, escapes, nesting. */
export const word: fc.Arbitrary<string> = fc.letrec<{ word: string; part: string }>((tie) => ({
  word: fc.array(tie('part'), { maxLength: 6, depthIdentifier: 'word' }).map((parts) => parts.join('')),
  part: fc.oneof(
    { depthSize: 'small', withCrossShrink: true, depthIdentifier: 'word' },
    { weight: 4, arbitrary: fc.constantFrom(...SPECIAL, 'a', 'b', 'x y', '  ', '\n') },
    { weight: 2, arbitrary: fc.constantFrom(...NAMES).map((n) => `$${n}`) },
    { weight: 2, arbitrary: fc.constantFrom(...NAMES).map((n) => `\${${n}}`) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...NAMES, ''),
          fc.constantFrom(':-', ':+', ':?', '-', '+', '?', '#', '##', '%', '%%', '/', '//', ':', ':#', '^', ''),
          tie('word'),
          fc.constantFrom('}', '/x}', '/', '', '}}'),
        )
        .map(([name, op, inner, close]) => `\${${name}${op}${inner}${close}`),
    },
    { weight: 2, arbitrary: tie('word').map((w) => `"${w}"`) },
    { weight: 1, arbitrary: tie('word').map((w) => `'${w}'`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('\\', '`'), junkChar).map(([e, c]) => e + c) },
    { weight: 1, arbitrary: junk },
  ),
})).word;

/** Environments for the expander: some names set (some empty), values that are words themselves. */
export const environment = fc
  .array(fc.tuple(fc.constantFrom(...NAMES), fc.oneof(fc.constant(''), word, junk)), { maxLength: 5 })
  .map((pairs) => new Map(pairs));

export const lexerOptions = fc.record({
  escapeToken: fc.constantFrom<'\\' | '`'>('\\', '`'),
  rawQuotes: fc.boolean(),
  rawEscapes: fc.boolean(),
  skipUnsetEnv: fc.boolean(),
  skipProcessQuotes: fc.boolean(),
});

/** A word that stays on its line (newlines inside a word start a new instruction). */
const lineWord = word.map((w) => w.replace(/[\r\n]/g, ' '));
const lineJunk = junk.map((w) => w.replace(/[\r\n]/g, ' '));

const caseOf = (keyword: string) =>
  fc.constantFrom(keyword, keyword.toLowerCase(), keyword[0] + keyword.slice(1).toLowerCase());

const FLAGS = [
  '--from=a', '--from=0', '--from=${a}', '--chown=1:1', '--chown="a b"', '--chmod=755', '--chmod=x',
  '--link', '--link=false', '--parents', '--exclude=*.md', '--checksum=sha256:00', '--keep-git-dir',
  '--platform=linux/amd64', '--platform=$BUILDPLATFORM', '--mount=type=cache,target=/c',
  '--mount=type=bind,source=.,target=/s', '--mount=type=secret,id=s', '--mount=type=tmpfs,target=/t,size=1',
  '--mount=type=ssh', '--mount=type=x', '--mount=', '--network=none', '--network=x', '--security=insecure',
  '--interval=30s', '--timeout=1ms', '--start-period=0', '--retries=3', '--retries=-1', '--interval=1ns',
  '--', '--=', '---', '--unpack', '--x=y',
];
const flag = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...FLAGS) },
  { weight: 1, arbitrary: fc.tuple(lineJunk, lineWord).map(([name, value]) => `--${name}=${value}`) },
);

const blank = fc.constantFrom(' ', ' ', '  ', '\t', ' \t ', '\u00a0', '\v');

/** Shell-form argument text: words separated by blanks. */
const shellArgs = fc
  .array(fc.oneof({ weight: 3, arbitrary: lineWord }, { weight: 1, arbitrary: lineJunk }), { maxLength: 5 })
  .chain((words) => fc.array(blank, { minLength: words.length, maxLength: words.length }).map((gaps) => words.map((w, i) => w + gaps[i]).join('')));

/** Exec-form text: valid arrays of strings, and the near misses. */
const jsonArgs = fc.oneof(
  { weight: 12, arbitrary: fc.array(fc.oneof(lineWord, lineJunk), { maxLength: 4 }).map((a) => JSON.stringify(a)) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.integer(), fc.constant(null), fc.constant([]), fc.constant({})), { maxLength: 3 }).map((a) => JSON.stringify(a)) },
  { weight: 1, arbitrary: fc.tuple(fc.array(lineWord, { maxLength: 3 }), fc.constantFrom('', ']', ',', '"', ' x')).map(([a, tail]) => `[${a.map((w) => `"${w}"`).join(', ')}${tail}`) },
  { weight: 1, arbitrary: fc.constantFrom('[]', '[""]', '["\\ud800"]', '["a" "b"]', '[1e999]', '[[[[]]]]', "['a']", '["\\u0000"]') },
);

const keyValues = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...NAMES), lineJunk), fc.constantFrom('=', '=', '=', '=', '=', ' ', ''), fc.oneof(lineWord, fc.constant('"a b"'))), { maxLength: 4 })
  .map((pairs) => pairs.map(([k, eq, v]) => k + eq + v).join(' '));

const stageNames = ['base', 'build', 'a', 'b-1', 'x.y', '0', 'BAD!', 'scratch'];

const fromArgs = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('local/busybox', 'scratch', 'alpine:3', '$a', '${a:-x}', ...stageNames) }, { weight: 1, arbitrary: lineWord }), fc.option(fc.constantFrom(...stageNames)))
    .map(([image, name]) => (name ? `${image} AS ${name}` : image)) },
  { weight: 1, arbitrary: shellArgs },
);

/** A heredoc marker, the body that follows, and (usually) its terminator. */
const heredoc = fc
  .tuple(
    fc.constantFrom('EOF', 'a', 'E-1', 'eof'),
    fc.constantFrom('', '-', '3', '0'),
    fc.constantFrom('', "'", '"'),
    fc.array(fc.oneof(word, junk, fc.constantFrom('\tEOF', 'EOF ', '#c', '\\')), { maxLength: 3 }),
    fc.nat(4),
    fc.boolean(),
  )
  .map(([name, prefix, quote, body, missing, tab]) => {
    const terminated = missing !== 0;
    const marker = prefix === '-' ? `<<-${quote}${name}${quote}` : `${prefix}<<${quote}${name}${quote}`;
    const lines = [...body, ...(terminated ? [(tab && prefix === '-' ? '\t' : '') + name] : [])];
    return { marker, lines };
  });

/** Arguments that fit each keyword, so most files get past the parser to the later stages. */
const simpleWord = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('a', '/app', 'x.txt', '*.md', 'src/', '.', '$a', '${a:-b}', '"a b"', 'é', 'root', '1000:1000') },
  { weight: 1, arbitrary: lineWord },
);
const tidyKeyValues = fc
  .array(fc.tuple(fc.constantFrom(...NAMES.slice(0, 7)), simpleWord.filter((w) => !/[\s"']/.test(w))), { minLength: 1, maxLength: 3 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join(' '));
const words = (min: number, max: number) => fc.array(simpleWord, { minLength: min, maxLength: max }).map((w) => w.join(' '));
const FITTING: Record<(typeof KEYWORDS)[number], { flags: readonly string[]; args: fc.Arbitrary<string> }> = {
  FROM: { flags: ['--platform=linux/amd64', '--platform=$BUILDPLATFORM'], args: fromArgs },
  RUN: { flags: ['--mount=type=cache,target=/c', '--mount=type=bind,from=base,target=/b', '--network=none', '--security=sandbox'], args: fc.oneof(shellArgs, jsonArgs) },
  CMD: { flags: [], args: fc.oneof(shellArgs, jsonArgs) },
  ENTRYPOINT: { flags: [], args: fc.oneof(shellArgs, jsonArgs) },
  SHELL: { flags: [], args: fc.oneof(jsonArgs, fc.constant('["/bin/sh", "-c"]')) },
  LABEL: { flags: [], args: tidyKeyValues },
  ENV: { flags: [], args: tidyKeyValues },
  ARG: { flags: [], args: fc.array(fc.tuple(fc.constantFrom(...NAMES), fc.option(simpleWord)), { minLength: 1, maxLength: 3 }).map((a) => a.map(([k, v]) => (v === null ? k : `${k}=${v}`)).join(' ')) },
  MAINTAINER: { flags: [], args: simpleWord },
  EXPOSE: { flags: [], args: fc.array(fc.constantFrom('80', '53/udp', '8000-8010', '$a', 'x'), { minLength: 1, maxLength: 3 }).map((a) => a.join(' ')) },
  ADD: { flags: ['--chown=1:1', '--chmod=644', '--link', '--checksum=sha256:00', '--keep-git-dir', '--exclude=*.md', '--unpack'], args: words(2, 4) },
  COPY: { flags: ['--from=base', '--from=0', '--chown=1:1', '--chmod=755', '--link', '--parents', '--exclude=*.md'], args: fc.oneof(words(2, 4), jsonArgs) },
  VOLUME: { flags: [], args: fc.oneof(words(1, 3), jsonArgs) },
  USER: { flags: [], args: simpleWord },
  WORKDIR: { flags: [], args: simpleWord },
  STOPSIGNAL: { flags: [], args: fc.constantFrom('SIGTERM', '9', '$a', 'SIGKILL') },
  HEALTHCHECK: { flags: ['--interval=30s', '--timeout=5s', '--retries=3', '--start-period=1m', '--start-interval=2s'], args: fc.oneof(fc.constant('NONE'), shellArgs.map((a) => `CMD ${a}`), jsonArgs.map((a) => `CMD ${a}`)) },
  ONBUILD: { flags: [], args: fc.constantFrom('RUN echo hi', 'COPY a b', 'ENV a=b', 'ONBUILD RUN x', 'FROM x', '') },
};

/**
 * One instruction as physical lines (heredoc bodies included). Tidy ones fit their keyword;
 * wild ones take any flags and arguments, and heredocs where they do not belong.
 */
const instruction = (wild: boolean) =>
  fc.constantFrom(...KEYWORDS).chain((keyword) => {
    const fitting = FITTING[keyword];
    const parts = wild
      ? fc.tuple(fc.array(flag, { maxLength: 3 }), fc.oneof(shellArgs, jsonArgs, keyValues, fromArgs, fitting.args))
      : fc.tuple(fc.subarray([...fitting.flags], { maxLength: Math.min(2, fitting.flags.length) }), fitting.args);
    const takesHeredoc = wild || ['RUN', 'COPY', 'ADD'].includes(keyword);
    const doc = takesHeredoc ? fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: heredoc }) : fc.constant(null);
    return fc.tuple(caseOf(keyword), parts, doc).map(([written, [flags, args], doc]) => ({
      text: [written, ...flags, args, ...(doc ? [doc.marker] : [])].join(' '),
      body: doc ? doc.lines : [],
    }));
  });

const junkLine = fc.oneof(lineJunk, fc.constantFrom('# comment', '', '   ', '\\', '`', 'EOF')).map((text) => ({ text, body: [] as string[] }));

/** Breaks a line in two with the escape token (and sometimes a comment or blank line between). */
const continued = (line: string, escape: string) =>
  fc.tuple(fc.nat(line.length), fc.constantFrom('', ' ', '  \t'), fc.constantFrom([], [''], ['  # inside'], ['#'], ['   '])).map(
    ([cut, after, between]) => [line.slice(0, cut) + escape + after, ...between, line.slice(cut)],
  );

const DIRECTIVES = [
  '# escape=`', '# escape=\\', '#  ESCAPE = `', '# syntax=docker/dockerfile:1', '# check=skip=all', '# check=error=true',
  '# check=skip=JSONArgsRecommended;error=true', '# foo=bar', '',
];
/** Directives at the top: mostly a valid set, sometimes repeated or invalid ones. */
const directives = fc.oneof(
  { weight: 8, arbitrary: fc.uniqueArray(fc.constantFrom(...DIRECTIVES), { maxLength: 2, selector: (d) => d.replace(/=.*/s, '').toLowerCase() }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...DIRECTIVES, '#escape=x', '# check=bogus', '# escape='), { maxLength: 3 }) },
);

/** ARGs before the first FROM, whose defaults are expanded before any stage. */
const metaArgLines = fc.array(fc.tuple(fc.constantFrom(...NAMES.slice(0, 5)), lineWord).map(([name, value]) => `ARG ${name}=${value}`), { maxLength: 2 });

/** A Dockerfile line by line, and how the lines are joined. */
const file = (chaos: boolean) =>
  fc
    .tuple(
      directives,
      fc.array(
        chaos
          ? fc.oneof({ weight: 4, arbitrary: instruction(false) }, { weight: 2, arbitrary: instruction(true) }, { weight: 1, arbitrary: junkLine })
          : instruction(false),
        { minLength: 1, maxLength: chaos ? 14 : 8 },
      ),
      fc.array(fc.nat(chaos ? 9 : 19), { maxLength: 14 }),
      chaos ? fc.constantFrom('\n', '\n', '\n', '\r\n', '\r\n', '\r') : fc.constantFrom('\n', '\r\n'),
      fc.boolean(),
      fc.boolean(),
      fc.nat(chaos ? 1 : 9),
      metaArgLines,
    )
    .chain(([heads, lines, continueAt, eol, bom, finalNewline, fromFirst, metaArgs]) => {
      const escape = heads.some((d) => /escape\s*=\s*`/i.test(d)) ? '`' : '\\';
      const otherEscape = escape === '`' ? '\\' : '`';
      // Most files start with FROM, so the later stages (instructions, graph, checks) run too.
      const from = [...metaArgs.map((text) => ({ text, body: [] as string[] })), { text: 'FROM local/busybox AS base', body: [] as string[] }];
      const body = fromFirst !== 0 ? [...from, ...lines] : lines;
      const pieces = body.map((line, i) => {
        // Some lines are continued; in chaos, now and then with the escape token not in force.
        const split = continueAt[i] ?? 99;
        if (split >= 4 || line.text.length === 0) return fc.constant([line.text, ...line.body]);
        return continued(line.text, chaos && split === 0 ? otherEscape : escape).map((parts) => [...parts, ...line.body]);
      });
      return fc.tuple(...pieces).map((physical) => {
        const text = [...heads, ...physical.flat()].join(eol) + (finalNewline ? eol : '');
        return bom ? `\uFEFF${text}` : text;
      });
    });

/** Tidy files mostly get through to the graph and the checks; chaos files test the errors. */
export const tidyDockerfile = file(false);
export const chaosDockerfile = file(true);
export const dockerfile = fc.oneof(tidyDockerfile, chaosDockerfile);

/** Raw bytes: UTF-8 of a generated file with some bytes changed to anything (invalid UTF-8 included). */
export const dockerfileBytes = fc.tuple(dockerfile, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 })).map(([text, edits]) => {
  const bytes = new TextEncoder().encode(text);
  for (const [at, value] of edits) if (bytes.length > 0) bytes[at % bytes.length] = value;
  return bytes;
});

/** Build args and targets a build might be given along with the file. */
export const buildOptions = fc.record(
  {
    target: fc.constantFrom(...stageNames, 'missing'),
    buildArgs: fc.dictionary(fc.constantFrom(...NAMES), fc.oneof(word, junk), { maxKeys: 3 }),
  },
  { requiredKeys: [] },
);
