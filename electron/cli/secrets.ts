import { parseSecretFlag, type SecretSource } from '../builder/run/secrets';
import { CliError } from './errors';

/** `--secret id=x[,src=FILE|,env=VAR]` values, as buildx takes them; a bad one is a usage error. */
export function secretSources(values: readonly string[] | undefined): SecretSource[] {
  return (values ?? []).map((value) => {
    try {
      return parseSecretFlag(value);
    } catch (err) {
      throw new CliError(`invalid --secret "${value}": ${(err as Error).message}`);
    }
  });
}
