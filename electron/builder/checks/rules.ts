/**
 * The build checks Slipway runs, named and worded as BuildKit's Dockerfile frontend names them
 * (frontend/dockerfile/linter): a user who reads "JSONArgsRecommended" here finds the same rule
 * in Docker's documentation at the same URL.
 */
import { goQuote } from '../go-quote';

export const RULE_NAMES = [
  'StageNameCasing',
  'FromAsCasing',
  'NoEmptyContinuation',
  'ConsistentInstructionCasing',
  'DuplicateStageName',
  'ReservedStageName',
  'JSONArgsRecommended',
  'MaintainerDeprecated',
  'UndefinedArgInFrom',
  'WorkdirRelativePath',
  'UndefinedVar',
  'MultipleInstructionsDisallowed',
  'LegacyKeyValueFormat',
  'RedundantTargetPlatform',
  'SecretsUsedInArgOrEnv',
  'InvalidDefaultArgInFrom',
  'FromPlatformFlagConstDisallowed',
  'ExposeProtoCasing',
  'ExposeInvalidFormat',
] as const;

export type RuleName = (typeof RULE_NAMES)[number];

export interface Rule {
  name: RuleName;
  description: string;
  url: string;
}

const DOCS = 'https://docs.docker.com/go/dockerfile/rule/';

/** `FromAsCasing` -> `from-as-casing`, the documentation page's slug. */
const slug = (name: string) =>
  name
    .replace(/JSON/g, 'Json')
    .replace(/([a-z])([A-Z])/g, '$1-$2')
    .toLowerCase();

const DESCRIPTIONS: Record<RuleName, string> = {
  StageNameCasing: 'Stage names should be lowercase',
  FromAsCasing: "The 'as' keyword should match the case of the 'from' keyword",
  NoEmptyContinuation: 'Empty continuation lines will become errors in a future release',
  ConsistentInstructionCasing: 'All commands within the Dockerfile should use the same casing (either upper or lower)',
  DuplicateStageName: 'Stage names should be unique',
  ReservedStageName: 'Reserved words should not be used as stage names',
  JSONArgsRecommended: 'JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals',
  MaintainerDeprecated: 'The MAINTAINER instruction is deprecated, use a label instead to define an image author',
  UndefinedArgInFrom: 'FROM command must use declared ARGs',
  WorkdirRelativePath: 'Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes',
  UndefinedVar: 'Variables should be defined before their use',
  MultipleInstructionsDisallowed: 'Multiple instructions of the same type should not be used in the same stage',
  LegacyKeyValueFormat: 'Legacy key/value format with whitespace separator should not be used',
  RedundantTargetPlatform: 'Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior',
  SecretsUsedInArgOrEnv: 'Sensitive data should not be used in the ARG or ENV commands',
  InvalidDefaultArgInFrom: 'Default value for global ARG results in an empty or invalid base image name',
  FromPlatformFlagConstDisallowed: 'FROM --platform flag should not use a constant value',
  ExposeProtoCasing: 'Protocol in EXPOSE instruction should be lowercase',
  ExposeInvalidFormat: 'IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release',
};

export const RULES: Readonly<Record<RuleName, Rule>> = Object.fromEntries(
  RULE_NAMES.map((name) => [name, { name, description: DESCRIPTIONS[name], url: `${DOCS}${slug(name)}/` }]),
) as Record<RuleName, Rule>;

/** The one-line message of each rule, with what it found filled in. */
export const MESSAGES = {
  StageNameCasing: (stageName: string) => `Stage name '${stageName}' should be lowercase`,
  FromAsCasing: (from: string, as: string) => `'${as}' and '${from}' keywords' casing do not match`,
  NoEmptyContinuation: () => 'Empty continuation line',
  ConsistentInstructionCasing: (command: string, casing: 'lowercase' | 'uppercase') =>
    `Command '${command}' should match the case of the command majority (${casing})`,
  DuplicateStageName: (stageName: string) => `Duplicate stage name ${goQuote(stageName)}, stage names should be unique`,
  ReservedStageName: (stageName: string) => `Stage name should not use the same name as reserved stage ${goQuote(stageName)}`,
  JSONArgsRecommended: (instruction: string) => `JSON arguments recommended for ${instruction} to prevent unintended behavior related to OS signals`,
  MaintainerDeprecated: () => 'Maintainer instruction is deprecated in favor of using label',
  UndefinedArgInFrom: (arg: string, suggestion: string | undefined) =>
    `FROM argument '${arg}' is not declared${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
  WorkdirRelativePath: (workdir: string) => `Relative workdir ${goQuote(workdir)} can have unexpected results if the base image changes`,
  UndefinedVar: (name: string, suggestion: string | undefined) =>
    `Usage of undefined variable '$${name}'${suggestion ? ` (did you mean $${suggestion}?)` : ''}`,
  MultipleInstructionsDisallowed: (instruction: string) =>
    `Multiple ${instruction} instructions should not be used in the same stage because only the last one will be used`,
  LegacyKeyValueFormat: (instruction: string) => `"${instruction} key=value" should be used instead of legacy "${instruction} key value" format`,
  RedundantTargetPlatform: (platform: string) => `Setting platform to predefined ${platform} in FROM is redundant as this is the default behavior`,
  SecretsUsedInArgOrEnv: (instruction: 'ARG' | 'ENV', key: string) =>
    `Do not use ARG or ENV instructions for sensitive data (${instruction} ${goQuote(key)})`,
  InvalidDefaultArgInFrom: (baseName: string) => `Default value for ARG ${baseName} results in empty or invalid base image name`,
  FromPlatformFlagConstDisallowed: (platform: string) => `FROM --platform flag should not use constant value ${goQuote(platform)}`,
  ExposeProtoCasing: (port: string) => `Defined protocol '${port}' in EXPOSE instruction should be lowercase`,
  ExposeInvalidFormat: (port: string) => `EXPOSE instruction should not define an IP address or host-port mapping, found '${port}'`,
} satisfies Record<RuleName, (...args: never[]) => string>;
