import { parseSecrets } from '../../../shared/build-request';
import { setSecrets, useSetup } from '../store/setup';

/** Build secrets for `RUN --mount=type=secret`: where each comes from on this machine. */
export function SecretsField() {
  const text = useSetup((s) => s.secrets);
  const parsed = parseSecrets(text);
  return (
    <label className="field">
      <span>
        Secrets <span className="muted">(RUN --mount=type=secret)</span>
      </span>
      <input
        type="text"
        value={text}
        placeholder="id=npmrc,src=/home/me/.npmrc id=token,env=GH_TOKEN"
        spellCheck={false}
        onChange={(e) => setSecrets(e.target.value)}
        data-testid="secrets"
      />
      {'error' in parsed && (
        <span className="hint warn" data-testid="secrets-error">
          {parsed.error}
        </span>
      )}
    </label>
  );
}
