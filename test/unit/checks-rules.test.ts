// Build checks, rule by rule: what fires, at which line, with which message (BuildKit's words),
// and the near misses that must not fire. Many cases are BuildKit's own check-test Dockerfiles.
import { describe, expect, it } from 'vitest';
import { checkDockerfile, checkWithBaseImages, factsFromImageConfig, RULE_NAMES, RULES, type BaseImageFacts, type CheckWarning } from '../../electron/builder/checks';
import type { CheckOptions } from '../../electron/builder/checks';
import { outline } from '../../electron/builder/frontend';

/** A local image the checks know: PATH and HOME set, no SHELL. */
const KNOWN_IMAGE: BaseImageFacts = { env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/root'], shell: [] };

function check(text: string, options: CheckOptions = {}): CheckWarning[] {
  return checkDockerfile(text, { baseImage: () => KNOWN_IMAGE, ...options }).warnings;
}

/** `Rule@line: message`, in report order. */
function found(text: string, options: CheckOptions = {}): string[] {
  return check(text, options).map((w) => `${w.rule}@${w.range.start}: ${w.message}`);
}

function rulesFound(text: string, options: CheckOptions = {}): string[] {
  return check(text, options).map((w) => `${w.rule}@${w.range.start}`);
}

describe('rule table', () => {
  it('names, describes and links every rule as BuildKit does', () => {
    expect(RULE_NAMES).toHaveLength(19);
    expect(RULES.JSONArgsRecommended.url).toBe('https://docs.docker.com/go/dockerfile/rule/json-args-recommended/');
    expect(RULES.FromAsCasing.url).toBe('https://docs.docker.com/go/dockerfile/rule/from-as-casing/');
    expect(RULES.SecretsUsedInArgOrEnv.url).toBe('https://docs.docker.com/go/dockerfile/rule/secrets-used-in-arg-or-env/');
    expect(RULES.FromPlatformFlagConstDisallowed.url).toBe('https://docs.docker.com/go/dockerfile/rule/from-platform-flag-const-disallowed/');
    expect(RULES.UndefinedArgInFrom.description).toBe('FROM command must use declared ARGs');
  });

  it('a clean Dockerfile has no warnings', () => {
    expect(found('FROM local/busybox:latest AS base\nWORKDIR /app\nENV A=1\nCOPY . .\nCMD ["sh"]\n')).toEqual([]);
  });
});

describe('StageNameCasing and FromAsCasing', () => {
  it('reports an uppercase stage name and an `as` whose casing differs from FROM', () => {
    const text = '\n# warning: stage name should be lowercase\n#\nFROM scratch AS BadStageName\n\n#\nFROM scratch as base2\n\nFROM scratch AS base3\n';
    expect(found(text)).toEqual([
      "StageNameCasing@4: Stage name 'BadStageName' should be lowercase",
      "FromAsCasing@7: 'as' and 'FROM' keywords' casing do not match",
    ]);
  });

  it('compares with a lowercase `from` too, and leaves a mixed-case From to the casing rule', () => {
    expect(found('from scratch AS base\nfrom scratch as base2\n')).toEqual(["FromAsCasing@1: 'AS' and 'from' keywords' casing do not match"]);
    expect(rulesFound('From scratch as base\nFROM scratch AS base2\n')).toEqual(['ConsistentInstructionCasing@1']);
  });
});

describe('NoEmptyContinuation', () => {
  it('reports the last line of an instruction with a blank continuation line', () => {
    const text = '\nFROM scratch\n# warning: empty continuation line\nCOPY Dockerfile \\\n\n.\nCOPY Dockerfile \\\n.\n';
    expect(found(text)).toEqual(['NoEmptyContinuation@6: Empty continuation line']);
  });
});

describe('ConsistentInstructionCasing', () => {
  it('reports instructions against the majority casing (a tie counts as uppercase)', () => {
    expect(found('FROM scratch\ncopy Dockerfile /foo\nCOPY Dockerfile /bar\n')).toEqual([
      "ConsistentInstructionCasing@2: Command 'copy' should match the case of the command majority (uppercase)",
    ]);
    expect(found('from scratch\nCOPY Dockerfile /foo\ncopy Dockerfile /bar\n')).toEqual([
      "ConsistentInstructionCasing@2: Command 'COPY' should match the case of the command majority (lowercase)",
    ]);
    expect(found('FROM scratch\ncopy a /a\ncopy b /b\ncopy c /c\n')).toEqual([
      "ConsistentInstructionCasing@1: Command 'FROM' should match the case of the command majority (lowercase)",
    ]);
  });

  it('is quiet when every instruction has one casing, heredoc bodies included', () => {
    expect(found('from scratch\ncopy a /foo\ncopy b /bar\n')).toEqual([]);
    expect(found('FROM local/busybox\nRUN <<EOT\nenv\nEOT\n')).toEqual([]);
  });
});

describe('DuplicateStageName and ReservedStageName', () => {
  it('reports the second stage with a name', () => {
    expect(found('FROM scratch AS b\nFROM scratch AS b\n')).toEqual(['DuplicateStageName@2: Duplicate stage name "b", stage names should be unique']);
    expect(found('FROM scratch AS b1\nFROM scratch AS b2\n')).toEqual([]);
  });

  it('reports `scratch` and `context` as stage names, not as bases', () => {
    expect(found('FROM scratch AS scratch\nFROM scratch AS context\n')).toEqual([
      'ReservedStageName@1: Stage name should not use the same name as reserved stage "scratch"',
      'ReservedStageName@2: Stage name should not use the same name as reserved stage "context"',
    ]);
    expect(found('FROM scratch\nFROM scratch AS a\n')).toEqual([]);
  });
});

describe('JSONArgsRecommended', () => {
  it('reports CMD and ENTRYPOINT in shell form, by the name as written', () => {
    expect(found('FROM scratch\nCMD mycommand\n')).toEqual(['JSONArgsRecommended@2: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals']);
    expect(found('from scratch\nentrypoint mycommand\n')).toEqual(['JSONArgsRecommended@2: JSON arguments recommended for entrypoint to prevent unintended behavior related to OS signals']);
  });

  it('is quiet for exec form, after SHELL (also in a parent stage), and with a base image SHELL', () => {
    expect(found('FROM scratch\nCMD ["mycommand"]\n')).toEqual([]);
    expect(found('FROM scratch\nSHELL ["/usr/bin/customshell"]\nCMD mycommand\n')).toEqual([]);
    expect(found('FROM scratch AS base\nSHELL ["/usr/bin/customshell"]\n\nFROM base\nENTRYPOINT mycommand\n')).toEqual([]);
    expect(check('FROM img\nCMD run\n', { baseImage: () => ({ env: [], shell: ['pwsh', '-c'] }) })).toEqual([]);
  });

  it('is not a rule for RUN or HEALTHCHECK', () => {
    expect(found('FROM scratch\nRUN mycommand\nHEALTHCHECK CMD check\n')).toEqual([]);
  });
});

describe('MaintainerDeprecated', () => {
  it('reports MAINTAINER, not LABEL', () => {
    expect(found('FROM scratch\nMAINTAINER me@example.org\n')).toEqual(['MaintainerDeprecated@2: Maintainer instruction is deprecated in favor of using label']);
    expect(found('FROM scratch\nLABEL org.opencontainers.image.authors="me@example.org"\n')).toEqual([]);
  });

  it('is reported even when a later line does not parse (with the lines before it)', () => {
    expect(rulesFound('FROM scratch AS BadStageName\nMAINTAINER me@example.org\nBADCMD\n')).toEqual(['StageNameCasing@1', 'MaintainerDeprecated@2']);
  });
});

describe('UndefinedArgInFrom', () => {
  it('is quiet for declared meta-ARGs and predefined platform args', () => {
    expect(found('ARG base=scratch\nFROM $base\n')).toEqual([]);
    expect(found('FROM --platform=$BUILDPLATFORM scratch\n')).toEqual([]);
    expect(found('ARG DEBUG\nFROM scra${DEBUG:-tch}\n')).toEqual([]);
  });

  it('reports an undeclared name, with a suggestion when one is close', () => {
    expect(found('FROM --platform=$BULIDPLATFORM scratch\n')).toEqual([
      "UndefinedArgInFrom@1: FROM argument 'BULIDPLATFORM' is not declared (did you mean BUILDPLATFORM?)",
    ]);
    expect(found('ARG tag=latest\nFROM busybox:${tag}${version} AS b\n')).toEqual(["UndefinedArgInFrom@2: FROM argument 'version' is not declared"]);
  });
});

describe('WorkdirRelativePath', () => {
  it('reports the first relative WORKDIR of a stage chain', () => {
    expect(found('FROM scratch\nWORKDIR app/\nWORKDIR more\n')).toEqual([
      'WorkdirRelativePath@2: Relative workdir "app/" can have unexpected results if the base image changes',
    ]);
  });

  it('is quiet after an absolute WORKDIR (in this or a parent stage), and with a skip comment', () => {
    expect(found('FROM scratch AS a\nWORKDIR /app\n\nFROM a AS b\nWORKDIR subdir/\n')).toEqual([]);
    expect(found('FROM scratch\n# check=skip=WorkdirRelativePath\nWORKDIR app/\n')).toEqual([]);
  });

  it('judges the expanded path, and only when the base image cannot change it', () => {
    expect(rulesFound('FROM scratch\nARG DIR=/srv\nWORKDIR $DIR\n')).toEqual([]);
    expect(rulesFound('FROM img\nWORKDIR $HOME/app\n', { baseImage: () => undefined })).toEqual([]);
    expect(rulesFound('FROM img\nWORKDIR $HOME/app\n', { baseImage: () => ({ env: ['HOME=root'], shell: [] }) })).toEqual(['WorkdirRelativePath@2']);
  });
});

describe('UndefinedVar', () => {
  it('reports variables used before they are set, with BuildKit\'s suggestions', () => {
    expect(found('FROM alpine\nCOPY $foo .\nARG foo=bar\nRUN echo $foo\n')).toEqual(["UndefinedVar@2: Usage of undefined variable '$foo'"]);
    expect(found('FROM alpine\nARG DIR_BINARIES=binaries/\nARG DIR_ASSETS=assets/\nCOPY $DIR_ASSET .\n')).toEqual([
      "UndefinedVar@4: Usage of undefined variable '$DIR_ASSET' (did you mean $DIR_ASSETS?)",
    ]);
    expect(found('FROM alpine\nENV PATH=$PAHT:/tmp/bin\n')).toEqual(["UndefinedVar@2: Usage of undefined variable '$PAHT' (did you mean $PATH?)"]);
  });

  it('is quiet for declared ARGs, a parent stage\'s ARGs, the image\'s Env, RUN and CMD', () => {
    expect(found('FROM scratch\nARG foo\nCOPY Dockerfile${foo} .\n')).toEqual([]);
    expect(found('FROM alpine AS base\nARG foo=Dockerfile\n\nFROM base\nCOPY $foo .\n')).toEqual([]);
    expect(found('FROM alpine\nWORKDIR $HOME\nRUN echo $NOPE\nCMD ["echo", "$NOPE"]\n')).toEqual([]);
  });

  it('sees ENV pairs of one instruction only after it, and checks COPY heredocs that expand', () => {
    expect(rulesFound('FROM alpine\nENV A=1 B=$A\n')).toEqual(['UndefinedVar@2']);
    expect(rulesFound('FROM alpine\nCOPY <<EOF /a\n$NOPE\nEOF\n')).toEqual(['UndefinedVar@2']);
    expect(rulesFound("FROM alpine\nCOPY <<'EOF' /a\n$NOPE\nEOF\n")).toEqual([]);
  });

  it('stays quiet where the base image is unknown (its Env may set the variable)', () => {
    expect(found('FROM unknown/image\nENV GOPATH=$GOPATH/bin\n', { baseImage: () => undefined })).toEqual([]);
    expect(found('FROM scratch\nENV X=$NOPE\n', { baseImage: () => undefined })).toEqual(["UndefinedVar@2: Usage of undefined variable '$NOPE'"]);
  });
});

describe('MultipleInstructionsDisallowed', () => {
  it('reports the CMD, ENTRYPOINT or HEALTHCHECK that a later one overrides', () => {
    const text = 'FROM scratch\nENTRYPOINT ["/myapp"]\nCMD ["/myapp"]\nHEALTHCHECK CMD ["/myapp"]\nCOPY <<EOF /a.txt\nHello\nEOF\nENTRYPOINT ["/b"]\nCMD ["/b"]\nHEALTHCHECK CMD ["/b"]\n';
    expect(found(text)).toEqual([
      'MultipleInstructionsDisallowed@2: Multiple ENTRYPOINT instructions should not be used in the same stage because only the last one will be used',
      'MultipleInstructionsDisallowed@3: Multiple CMD instructions should not be used in the same stage because only the last one will be used',
      'MultipleInstructionsDisallowed@4: Multiple HEALTHCHECK instructions should not be used in the same stage because only the last one will be used',
    ]);
  });

  it('is per stage', () => {
    expect(found('FROM scratch AS a\nCMD ["/a"]\n\nFROM a AS b\nCMD ["/b"]\n')).toEqual([]);
  });
});

describe('LegacyKeyValueFormat', () => {
  it('reports `ENV key value` and `LABEL key value`', () => {
    expect(found('FROM scratch\nENV testkey value\nLABEL key value\n')).toEqual([
      'LegacyKeyValueFormat@2: "ENV key=value" should be used instead of legacy "ENV key value" format',
      'LegacyKeyValueFormat@3: "LABEL key=value" should be used instead of legacy "LABEL key value" format',
    ]);
  });

  it('is quiet for key=value and with skip comments above each', () => {
    expect(found('FROM scratch\nENV testkey=value\nLABEL key=value\n')).toEqual([]);
    expect(found('FROM scratch\n# check=skip=LegacyKeyValueFormat\nENV testkey value\n# check=skip=LegacyKeyValueFormat\nLABEL key value\n')).toEqual([]);
  });

  it('runs on the stages the build needs; every stage for a check without target', () => {
    const text = 'FROM scratch AS a\n\nFROM a AS b\nENV testkey value\n\nFROM a AS c\n';
    expect(rulesFound(text)).toEqual(['LegacyKeyValueFormat@4']);
    expect(rulesFound(text, { stages: new Set([0, 2]) })).toEqual([]);
  });
});

describe('RedundantTargetPlatform and FromPlatformFlagConstDisallowed', () => {
  it('reports --platform=$TARGETPLATFORM as written', () => {
    expect(found('FROM --platform=$TARGETPLATFORM scratch\n')).toEqual([
      'RedundantTargetPlatform@1: Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior',
    ]);
    expect(found('FROM --platform=${TARGETPLATFORM} scratch\n')).toEqual([
      'RedundantTargetPlatform@1: Setting platform to predefined ${TARGETPLATFORM} in FROM is redundant as this is the default behavior',
    ]);
    expect(found('# check=skip=RedundantTargetPlatform\nFROM --platform=$TARGETPLATFORM scratch\n')).toEqual([]);
  });

  it('reports a constant platform unless the stage name mentions its OS or architecture', () => {
    expect(found('FROM --platform=linux/amd64 scratch\n')).toEqual(['FromPlatformFlagConstDisallowed@1: FROM --platform flag should not use constant value "linux/amd64"']);
    expect(found('FROM --platform=linux/amd64 scratch AS my_amd64_stage\n')).toEqual([]);
    expect(found('FROM --platform=linux/amd64 scratch AS linux\n')).toEqual([]);
    expect(found('FROM --platform=$BUILDPLATFORM scratch\n')).toEqual([]);
  });
});

describe('SecretsUsedInArgOrEnv', () => {
  it('reports secret-looking ARG and ENV names, skips allowed words and skip comments', () => {
    const text = [
      '# check=skip=InvalidDefinitionDescription',
      '',
      'FROM scratch',
      'ARG SECRET_PASSPHRASE',
      'ENV SUPER_Secret=foo',
      'ENV password=bar secret=baz',
      'ARG super_duper_secret_token=foo auth=bar',
      'ENV apikey=bar sunflower=foo',
      'ENV git_key=',
      'ENV PUBLIC_KEY=',
      'ARG public_token',
      'ARG SECRET_PASSPHRASE_FILE',
      'ENV password_file=bar secret_File=baz',
      'ARG AUTH_MODULE_VERSION',
      '# check=skip=SecretsUsedInArgOrEnv // allow secret in environment',
      'ENV password=bar',
      '# check=skip=all // is local to only this instruction',
      'ARG alternate_password',
      '',
    ].join('\n');
    expect(found(text)).toEqual([
      'SecretsUsedInArgOrEnv@4: Do not use ARG or ENV instructions for sensitive data (ARG "SECRET_PASSPHRASE")',
      'SecretsUsedInArgOrEnv@5: Do not use ARG or ENV instructions for sensitive data (ENV "SUPER_Secret")',
      'SecretsUsedInArgOrEnv@6: Do not use ARG or ENV instructions for sensitive data (ENV "password")',
      'SecretsUsedInArgOrEnv@6: Do not use ARG or ENV instructions for sensitive data (ENV "secret")',
      'SecretsUsedInArgOrEnv@7: Do not use ARG or ENV instructions for sensitive data (ARG "super_duper_secret_token")',
      'SecretsUsedInArgOrEnv@7: Do not use ARG or ENV instructions for sensitive data (ARG "auth")',
      'SecretsUsedInArgOrEnv@8: Do not use ARG or ENV instructions for sensitive data (ENV "apikey")',
      'SecretsUsedInArgOrEnv@9: Do not use ARG or ENV instructions for sensitive data (ENV "git_key")',
    ]);
  });

  it('does not look at meta-ARGs (before the first FROM)', () => {
    expect(found('ARG GITHUB_TOKEN\nFROM scratch\n')).toEqual([]);
  });
});

describe('InvalidDefaultArgInFrom', () => {
  it('reports a base name that is no image name with the defaults alone, whatever the build args', () => {
    const args = { buildArgs: { VERSION: 'latest' } };
    expect(found('ARG VERSION\nFROM busybox:$VERSION\n', args)).toEqual([
      'InvalidDefaultArgInFrom@2: Default value for ARG busybox:$VERSION results in empty or invalid base image name',
    ]);
    expect(rulesFound('ARG IMAGE\nFROM $IMAGE\n', { buildArgs: { IMAGE: 'busybox:latest' } })).toEqual(['InvalidDefaultArgInFrom@2']);
    expect(rulesFound('ARG SFX="box:"\nFROM busy${SFX}\n', { buildArgs: { SFX: 'box:latest' } })).toEqual(['InvalidDefaultArgInFrom@2']);
  });

  it('is quiet for valid defaults and an empty suffix', () => {
    expect(found('ARG VERSION="latest"\nFROM busybox:${VERSION}\n')).toEqual([]);
    expect(found('ARG BUSYBOX_VARIANT=""\nFROM busybox:stable${BUSYBOX_VARIANT}\n')).toEqual([]);
    expect(found('ARG BUSYBOX_VARIANT\nFROM busybox:stable${BUSYBOX_VARIANT}\n', { buildArgs: { BUSYBOX_VARIANT: '-musl' } })).toEqual([]);
    expect(found('FROM localhost:5000/team/app@sha256:' + 'a'.repeat(64) + '\n')).toEqual([]);
  });
});

describe('ExposeProtoCasing and ExposeInvalidFormat', () => {
  it('reports uppercase protocols, each port as written', () => {
    expect(found('FROM scratch\nEXPOSE 80/TcP 8080/TCP 8080/udp\n')).toEqual([
      "ExposeProtoCasing@2: Defined protocol '80/TcP' in EXPOSE instruction should be lowercase",
      "ExposeProtoCasing@2: Defined protocol '8080/TCP' in EXPOSE instruction should be lowercase",
    ]);
  });

  it('reports IP addresses and host ports', () => {
    expect(found('FROM scratch\nEXPOSE 127.0.0.1:80:80 [::1]:8080:8080 5000:5000 8000\n')).toEqual([
      "ExposeInvalidFormat@2: EXPOSE instruction should not define an IP address or host-port mapping, found '127.0.0.1:80:80'",
      "ExposeInvalidFormat@2: EXPOSE instruction should not define an IP address or host-port mapping, found '[::1]:8080:8080'",
      "ExposeInvalidFormat@2: EXPOSE instruction should not define an IP address or host-port mapping, found '5000:5000'",
    ]);
  });

  it('expands ports first, without reporting undefined variables for EXPOSE', () => {
    expect(rulesFound('FROM scratch\nARG P=80/UDP\nEXPOSE $P $NOPE\n')).toEqual(['ExposeProtoCasing@3']);
  });
});

describe('level and ranges', () => {
  it('gives the instruction\'s whole range, heredocs included', () => {
    const [w] = check('FROM scratch\nCOPY <<EOF /x\nhi\nEOF\nENV k v\n');
    expect(w).toMatchObject({ rule: 'LegacyKeyValueFormat', range: { start: 5, end: 5 }, level: 'warning' });
    const [doc] = check('FROM scratch\nCOPY <<EOF /x\n$NOPE\nEOF\n');
    expect(doc).toMatchObject({ rule: 'UndefinedVar', range: { start: 2, end: 4 } });
  });
});

describe('base images', () => {
  it('looks up only the images the checked stages start from, expanded', async () => {
    const text = 'ARG TAG=1.0\nFROM team/app:${TAG} AS a\nFROM a\nFROM scratch\nFROM other/image AS unused\n';
    const asked: string[] = [];
    const report = await checkWithBaseImages(text, { stages: new Set([0, 1, 2]) }, async (ref) => {
      asked.push(ref);
      return undefined;
    });
    expect(asked).toEqual(['team/app:1.0']);
    expect(report.warnings).toEqual([]);
  });

  it('a found image makes its Env known; a failed lookup leaves it unknown', async () => {
    const text = 'FROM team/app\nCOPY $APP_HOME $NOPE /dst\n';
    const known = await checkWithBaseImages(text, {}, async () => factsFromImageConfig({ Env: ['APP_HOME=/srv'], Shell: null }));
    expect(known.warnings.map((w) => w.message)).toEqual(["Usage of undefined variable '$NOPE'"]);
    const failed = await checkWithBaseImages(text, {}, async () => {
      throw new Error('engine down');
    });
    expect(failed.warnings).toEqual([]);
  });

  it('the outline carries the warnings of the stages its target needs, with rule and URL', () => {
    const result = outline('FROM scratch AS a\nMAINTAINER me\nENV k v\nFROM scratch AS b\nCMD run\n', { target: 'a' });
    expect(result.warnings.map((w) => ({ rule: w.rule, line: w.range.start, url: w.url }))).toEqual([
      { rule: 'MaintainerDeprecated', line: 2, url: 'https://docs.docker.com/go/dockerfile/rule/maintainer-deprecated/' },
      { rule: 'LegacyKeyValueFormat', line: 3, url: 'https://docs.docker.com/go/dockerfile/rule/legacy-key-value-format/' },
    ]);
    expect(() => outline('# check=nope\nFROM scratch\n')).toThrow('failed to parse check options: invalid check option "nope"');
  });
});
