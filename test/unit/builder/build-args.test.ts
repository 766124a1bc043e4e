import { describe, expect, it } from 'vitest';
import { BuildArgs } from '../../../electron/builder/build-args';

const make = (options: Record<string, string>, meta: Record<string, string> = {}) =>
  new BuildArgs(new Map(Object.entries(options)), new Map(Object.entries(meta)), new Set());

describe('build args', () => {
  it('takes --build-arg over the default, the default over the meta-ARG', () => {
    const args = make({ A: 'cli' }, { B: 'meta', C: 'meta' });
    args.declare('A', 'default');
    args.declare('B', undefined);
    args.declare('C', 'default');
    expect(args.value('A')).toBe('cli');
    expect(args.value('B')).toBe('meta');
    expect(args.value('C')).toBe('default');
  });

  it('applies only declared args, minus keys the Env sets', () => {
    const args = make({ A: '1', B: '2', UNDECLARED: 'x' });
    args.declare('A', undefined);
    args.declare('B', undefined);
    expect(args.applicable(['B=env'])).toEqual([['A', '1']]);
  });

  it('passes proxy variables without ARG but keys them only when declared', () => {
    const args = make({ HTTP_PROXY: 'http://p' });
    expect(args.applicable(null)).toEqual([['HTTP_PROXY', 'http://p']]);
    expect(args.isReferencedOrNotProxy('HTTP_PROXY')).toBe(false);
    args.declare('HTTP_PROXY', undefined);
    expect(args.isReferencedOrNotProxy('HTTP_PROXY')).toBe(true);
  });

  it('starts each stage with no declarations', () => {
    const args = make({ A: '1' });
    args.declare('A', undefined);
    expect(args.forStage().applicable(null)).toEqual([]);
  });

  it('lists unused --build-args, sparing proxies and meta-ARGs', () => {
    expect(BuildArgs.unused(new Map([['A', '1'], ['B', '2'], ['no_proxy', 'x'], ['M', '3']]), new Set(['A']), new Set(['M']))).toEqual(['B']);
  });
});
