import { describe, expect, it } from 'vitest';
import { parseSecrets } from '../../shared/build-request';

describe("the app's build secrets field", () => {
  it('reads id with src or env, several separated by spaces or lines', () => {
    expect(parseSecrets('')).toEqual({ secrets: [] });
    expect(parseSecrets('id=npmrc,src=/home/me/.npmrc\n  id=token,env=GH_TOKEN')).toEqual({
      secrets: [
        { id: 'npmrc', src: '/home/me/.npmrc' },
        { id: 'token', env: 'GH_TOKEN' },
      ],
    });
    expect(parseSecrets('id=x,source=/f')).toEqual({ secrets: [{ id: 'x', src: '/f' }] });
  });

  it('says what is wrong with a bad one', () => {
    expect(parseSecrets('src=/f')).toEqual({ error: '"src=/f": missing id=' });
    expect(parseSecrets('id=x')).toEqual({ error: '"id=x": give either src=FILE or env=VAR' });
    expect(parseSecrets('id=x,src=/f,env=V')).toEqual({ error: '"id=x,src=/f,env=V": give either src=FILE or env=VAR' });
    expect(parseSecrets('id=x,mode=0400')).toEqual({ error: '"id=x,mode=0400": unknown key "mode" (id, src or env)' });
    expect(parseSecrets('id,src=/f')).toEqual({ error: '"id,src=/f": id needs a value (key=value)' });
  });
});
