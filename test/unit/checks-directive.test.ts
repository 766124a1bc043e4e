// The `# check=` directive, the BUILDKIT_DOCKERFILE_CHECK build arg that replaces it, and
// `# check=skip=...` comments that apply to the one instruction below them.
import { describe, expect, it } from 'vitest';
import { checkDockerfile } from '../../electron/builder/checks';
import { parseCheckOptions } from '../../electron/builder/checks/config';

/** BuildKit's test file: FromAsCasing on line 2, ConsistentInstructionCasing on line 3. */
const BODY = 'FROM scratch as base\ncopy Dockerfile .\n';

const rules = (text: string, buildArgs: Record<string, string> = {}) => checkDockerfile(text, { buildArgs }).warnings.map((w) => `${w.rule}@${w.range.start}`);

describe('check directive', () => {
  it('runs every rule without a directive', () => {
    expect(rules(`\n${BODY}`)).toEqual(['FromAsCasing@2', 'ConsistentInstructionCasing@3']);
  });

  it('skip=all, and skip=A,B (spaces around names allowed)', () => {
    expect(rules(`#check=skip=all\n${BODY}`)).toEqual([]);
    expect(rules(`#check=skip=ConsistentInstructionCasing,FromAsCasing\n${BODY}`)).toEqual([]);
    expect(rules(`# check = skip=ConsistentInstructionCasing\n${BODY}`)).toEqual(['FromAsCasing@2']);
    expect(rules(`# check=skip=FromAsCasing;error=false\n${BODY}`)).toEqual(['ConsistentInstructionCasing@3']);
  });

  it('error=true marks the warnings as errors and fails the build naming the rules', () => {
    const report = checkDockerfile(`#check=skip=ConsistentInstructionCasing;error=true\n${BODY}`);
    expect(report.warnings.map((w) => [w.rule, w.level])).toEqual([['FromAsCasing', 'error']]);
    expect(report.violation).toBe('lint violation found for rules: FromAsCasing');
    expect(checkDockerfile(`#check=skip=all;error=true\n${BODY}`).violation).toBeUndefined();
    expect(checkDockerfile(`\n${BODY}`).violation).toBeUndefined();
  });

  it('is read only at the top of the file (after a shebang line too)', () => {
    expect(rules(`FROM scratch as base\n# check=skip=all\ncopy Dockerfile .\n`)).toHaveLength(2);
    expect(rules(`#!/usr/bin/env docker-build\n# check=skip=all\n${BODY}`)).toEqual([]);
    expect(rules(`# syntax=docker/dockerfile:1\n# check=skip=all\n${BODY}`)).toEqual([]);
    // Not a directive after another comment: a check comment above FROM, for FROM's own rules.
    expect(rules(`# hello\n# check=skip=all\n${BODY}`)).toEqual(['ConsistentInstructionCasing@4']);
  });

  it('takes the value up to its first space', () => {
    expect(rules(`# check=skip=FromAsCasing this is ignored\n${BODY}`)).toEqual(['ConsistentInstructionCasing@3']);
    expect(rules(`# check=skip= FromAsCasing\n${BODY}`)).toEqual(['FromAsCasing@2', 'ConsistentInstructionCasing@3']);
  });

  it('invalid options fail the build at the directive line, and no rule runs', () => {
    const report = checkDockerfile(`# check=skip=all;bogus=1\n${BODY}`);
    expect(report.warnings).toEqual([]);
    expect(report.invalidOptions?.message).toBe('failed to parse check options: invalid check option "bogus"');
    expect(report.invalidOptions?.range).toEqual({ start: 1, end: 1 });
    expect(checkDockerfile(`# check=error=maybe\n${BODY}`).invalidOptions?.message).toBe(
      'failed to parse check options: failed to parse check option "error=maybe": strconv.ParseBool: parsing "maybe": invalid syntax',
    );
    expect(checkDockerfile(`# check=skipall\n${BODY}`).invalidOptions?.message).toBe('failed to parse check options: invalid check option "skipall"');
  });

  it('parses Go booleans and at most three options', () => {
    expect(parseCheckOptions('error=1').error).toBe(true);
    expect(parseCheckOptions('error=False').error).toBe(false);
    expect(() => parseCheckOptions('skip=a;skip=b;error=true;error=false')).toThrow(/invalid syntax/);
  });
});

describe('BUILDKIT_DOCKERFILE_CHECK build arg', () => {
  it('replaces the directive', () => {
    const args = { BUILDKIT_DOCKERFILE_CHECK: 'skip=ConsistentInstructionCasing;error=true' };
    const report = checkDockerfile(`#check=skip=all\n${BODY}`, { buildArgs: args });
    expect(report.warnings.map((w) => w.rule)).toEqual(['FromAsCasing']);
    expect(report.violation).toBe('lint violation found for rules: FromAsCasing');
    expect(rules(`#check=error=true\n${BODY}`, { BUILDKIT_DOCKERFILE_CHECK: 'skip=all' })).toEqual([]);
    expect(rules(`#check=skip=all\n${BODY}`, { BUILDKIT_DOCKERFILE_CHECK: '' })).toHaveLength(2);
  });

  it('says which setting is invalid', () => {
    expect(checkDockerfile(BODY, { buildArgs: { BUILDKIT_DOCKERFILE_CHECK: 'nope' } }).invalidOptions?.message).toBe(
      'failed to parse BUILDKIT_DOCKERFILE_CHECK: invalid check option "nope"',
    );
  });
});

describe('check comments above an instruction', () => {
  it('skip rules for that instruction only', () => {
    const text = 'FROM scratch\n# check=skip=JSONArgsRecommended\nCMD a\nENTRYPOINT b\n';
    expect(rules(text)).toEqual(['JSONArgsRecommended@4']);
  });

  it('apply across blank lines, but not across a bare `#` or another instruction', () => {
    expect(rules('FROM scratch\n# check=skip=MaintainerDeprecated\n\nMAINTAINER me\n')).toEqual([]);
    expect(rules('FROM scratch\n# check=skip=MaintainerDeprecated\n#\nMAINTAINER me\n')).toEqual(['MaintainerDeprecated@4']);
    expect(rules('FROM scratch\n# check=skip=MaintainerDeprecated\nLABEL a=b\nMAINTAINER me\n')).toEqual(['MaintainerDeprecated@4']);
  });

  it('use the first check comment; an invalid one changes nothing', () => {
    expect(rules('FROM scratch\n# check=skip=MaintainerDeprecated\n# check=skip=all\nMAINTAINER me\n')).toEqual([]);
    expect(rules('FROM scratch\n# check=bogus\n# check=skip=MaintainerDeprecated\nMAINTAINER me\n')).toEqual(['MaintainerDeprecated@4']);
  });

  it('above a FROM cover the FROM line\'s rules, not the whole-file ones', () => {
    expect(rules('# note\n# check=skip=FromPlatformFlagConstDisallowed\nFROM --platform=linux/amd64 scratch\n')).toEqual([]);
    expect(rules('FROM scratch\n# check=skip=DuplicateStageName\nFROM scratch AS a\nFROM scratch AS a\n')).toEqual(['DuplicateStageName@4']);
  });

  it('cannot turn error=true on', () => {
    expect(checkDockerfile('FROM scratch\n# check=error=true\nMAINTAINER me\n').violation).toBeUndefined();
  });
});
