import { describe, expect, it } from 'vitest';
import { DockerfileError } from '../../../electron/builder/errors';
import { loadDockerfile } from '../../../electron/builder/frontend';
import type { Command } from '../../../electron/builder/instructions';

const commands = (text: string): Command[] => loadDockerfile(text).dockerfile.stages.flatMap((s) => s.commands);
const only = (text: string) => commands(`FROM scratch\n${text}`)[0]!;

function errorOf(text: string): DockerfileError {
  try {
    loadDockerfile(text);
  } catch (err) {
    expect(err).toBeInstanceOf(DockerfileError);
    return err as DockerfileError;
  }
  throw new Error('expected a DockerfileError');
}

describe('typed instructions', () => {
  it('splits stages and meta-ARGs', () => {
    const { dockerfile } = loadDockerfile('ARG V=1\nARG B\nFROM img:$V AS Build\nRUN make\nFROM scratch\nCOPY --from=build /a /b\n');
    expect(dockerfile.metaArgs.map((a) => a.args)).toEqual([[{ key: 'V', value: '1' }], [{ key: 'B' }]]);
    expect(dockerfile.stages.map((s) => [s.index, s.from.baseName, s.from.stageName, s.commands.length])).toEqual([
      [0, 'img:$V', 'build', 1],
      [1, 'scratch', undefined, 1],
    ]);
  });

  it('types every instruction', () => {
    const text = [
      'FROM scratch',
      'RUN echo hi',
      'CMD ["a", "b"]',
      'LABEL a=b "c d"=e',
      'MAINTAINER me',
      'EXPOSE 80/udp 443',
      'ENV A=1 B=2',
      'ADD --chown=1:2 --checksum=sha256:00 a b /d/',
      'COPY --from=x --chmod=755 --link --parents --exclude=*.md a /d',
      'ENTRYPOINT echo',
      'VOLUME /v /w',
      'USER app',
      'WORKDIR /w',
      'ARG X=1 Y',
      'ONBUILD RUN echo trig',
      'STOPSIGNAL SIGTERM',
      'HEALTHCHECK --interval=1m30s --retries=3 CMD curl -f x',
      'SHELL ["/bin/bash", "-c"]',
    ].join('\n');
    const kinds = commands(text).map((c) => c.kind);
    expect(kinds).toEqual([
      'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR',
      'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
    ]);
  });

  it('keeps shell form and exec form apart', () => {
    expect(only('RUN echo $HOME')).toMatchObject({ args: ['echo $HOME'], prependShell: true });
    expect(only('RUN ["echo", "$HOME"]')).toMatchObject({ args: ['echo', '$HOME'], prependShell: false });
    expect(only("RUN ['echo']")).toMatchObject({ args: ["['echo']"], prependShell: true });
    expect(only('CMD []')).toMatchObject({ args: [], prependShell: false });
  });

  it('parses COPY and ADD flags into the model', () => {
    expect(only('COPY --from=build --chown=app:staff --chmod=0644 --link --parents --exclude=a --exclude=b x y /dst/')).toMatchObject({
      kind: 'COPY', from: 'build', chown: 'app:staff', chmod: '0644', link: true, parents: true,
      exclude: ['a', 'b'], sources: ['x', 'y'], dest: '/dst/',
    });
    expect(only('ADD --checksum=sha256:abc --keep-git-dir https://x/y.tar /z')).toMatchObject({
      kind: 'ADD', checksum: 'sha256:abc', keepGitDir: true, sources: ['https://x/y.tar'], dest: '/z',
    });
  });

  it('parses RUN --mount, --network and --security', () => {
    const run = only('RUN --mount=type=cache,target=/root/.cache,sharing=locked --network=none --security=insecure make');
    expect(run).toMatchObject({
      kind: 'RUN', mounts: ['type=cache,target=/root/.cache,sharing=locked'], network: 'none', security: 'insecure',
      flagsUsed: ['mount', 'network', 'security'],
    });
  });

  it('takes heredoc sources out of COPY and keeps RUN heredocs as files', () => {
    const copy = only('COPY <<EOF /etc/motd\nhello\nEOF');
    expect(copy).toMatchObject({ kind: 'COPY', sources: [], dest: '/etc/motd' });
    if (copy.kind === 'COPY') expect(copy.inline).toEqual([{ name: 'EOF', content: 'hello\n', chomp: false, expand: true }]);
    const run = only("RUN <<'EOF'\necho $X\nEOF");
    if (run.kind !== 'RUN') throw new Error('not RUN');
    expect(run.files).toEqual([{ name: 'EOF', content: 'echo $X\n', chomp: false, expand: false }]);
  });

  it('builds HEALTHCHECK configs in nanoseconds', () => {
    expect(only('HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=0s --retries=3 CMD curl -f x')).toMatchObject({
      health: { test: ['CMD-SHELL', 'curl -f x'], interval: 90e9, timeout: 5e8, startPeriod: undefined, retries: 3 },
    });
    expect(only('HEALTHCHECK CMD ["curl", "x"]')).toMatchObject({ health: { test: ['CMD', 'curl', 'x'] } });
    expect(only('HEALTHCHECK NONE')).toMatchObject({ health: { test: ['NONE'] } });
  });

  it('keeps the ONBUILD trigger as written', () => {
    expect(only('ONBUILD  RUN  echo "x"')).toMatchObject({ kind: 'ONBUILD', expression: 'RUN  echo "x"' });
  });

  it('sorts EXPOSE ports and splits ARG defaults', () => {
    expect(only('EXPOSE 8080 443/tcp 80')).toMatchObject({ ports: ['443/tcp', '80', '8080'] });
    expect(only('ARG A B=2 C=')).toMatchObject({ args: [{ key: 'A' }, { key: 'B', value: '2' }, { key: 'C', value: '' }] });
  });
});

describe('instruction errors carry their lines', () => {
  it.each([
    ['FROM scratch\n\nRUNN make', /unknown instruction: RUNN \(did you mean RUN\?\)/, 3],
    ['FROM scratch\nENTRYPIONT x', /did you mean ENTRYPOINT\?/, 2],
    ['FROM scratch\nFROBNICATE x', /^unknown instruction: FROBNICATE$/, 2],
    ['FROM scratch\nCOPY --frmo=x a b', /Unknown flag: frmo/, 2],
    ['FROM scratch\nCOPY --from a b', /Missing a value on flag: from/, 2],
    ['FROM scratch\nCOPY --link=maybe a b', /Expecting boolean value for flag link, not: maybe/, 2],
    ['FROM scratch\nCOPY --from=a --from=b a b', /Duplicate flag specified: from/, 2],
    ['FROM scratch\nRUN --foo=1 x', /Unknown flag: foo/, 2],
    ['FROM scratch\nWORKDIR --x=1 /a', /takes no flags/, 2],
    ['FROM scratch\nCOPY onlyone', /requires at least two arguments/, 2],
    ['FROM scratch\nUSER', /USER requires exactly one argument/, 2],
    ['FROM scratch\nSHELL /bin/sh -c', /SHELL requires the arguments to be in JSON form/, 2],
    ['FROM scratch\nHEALTHCHECK CONNECT x', /Unknown type "CONNECT" in HEALTHCHECK/, 2],
    ['FROM scratch\nHEALTHCHECK --interval=1us CMD x', /cannot be less than 1ms/, 2],
    ['FROM scratch\nHEALTHCHECK --retries=-1 CMD x', /--retries cannot be negative/, 2],
    ['FROM scratch\nHEALTHCHECK --interval=soon CMD x', /invalid duration/, 2],
    ['FROM scratch\nONBUILD ONBUILD RUN x', /Chaining ONBUILD/, 2],
    ['FROM scratch\nONBUILD FROM x', /FROM isn't allowed as an ONBUILD trigger/, 2],
    ['FROM scratch\nRUN --mount=type=nope,target=/x x', /unsupported mount type/, 2],
    ['FROM scratch\nRUN --mount=type=bind,target=/x,sharing=locked x', /invalid cache sharing set for bind mount/, 2],
    ['FROM scratch\nRUN --mount=type=cache,id=c x', /mount type cache requires a target/, 2],
    ['FROM scratch\nRUN --network=bridge x', /unsupported network mode/, 2],
    ['FROM a b', /FROM requires either one or three arguments/, 1],
    ['FROM a AS 1x', /invalid name for build stage/, 1],
    ['FROM a AS x\nFROM b AS X', /duplicate stage name "x"/, 2],
    ['RUN x', /no build stage in current context/, 1],
    ['ARG A=1', /no FROM instruction/, 1],
    ['FROM scratch\nCOPY <<A <<B\nx\nA\ny\nB', /cannot accept a heredoc as a destination/, 2],
  ])('%j', (text, message, line) => {
    const err = errorOf(text);
    expect(err.message).toMatch(message);
    expect(err.range?.start).toBe(line);
  });
});
