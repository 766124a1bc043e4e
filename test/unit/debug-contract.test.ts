import { describe, expect, it } from 'vitest';
import { calls } from '../../shared/contract';
import { parentOnly } from '../../shared/debug';

describe('the inspection calls validate their payloads', () => {
  it('build requests take breakpoints and break on failure, optionally', () => {
    const base = { context: '/c', dockerfile: 'Dockerfile', buildArgs: {}, tags: [], noCache: false };
    const valid = calls['slipway:build:start'].request;
    expect(valid(base)).toBe(true);
    expect(valid({ ...base, breakpoints: ['stage-0:2'], breakOnFailure: true })).toBe(true);
    expect(valid({ ...base, breakpoints: 'stage-0:2' })).toBe(false);
    expect(valid({ ...base, breakOnFailure: 'yes' })).toBe(false);
  });

  it('resume takes one of three modes; debug shells one of three targets and a sane size', () => {
    const resume = calls['slipway:build:resume'].request;
    expect(resume({ buildId: 'b', mode: 'step' })).toBe(true);
    expect(resume({ buildId: 'b', mode: 'rewind' })).toBe(false);
    const shell = calls['slipway:debug:shell'].request;
    expect(shell({ buildId: 'b', stepId: 's:2', target: 'after', cols: 80, rows: 24 })).toBe(true);
    expect(shell({ buildId: 'b', stepId: 's:2', target: 'host', cols: 80, rows: 24 })).toBe(false);
    expect(shell({ buildId: 'b', stepId: 's:2', target: 'before', cols: 0, rows: 24 })).toBe(false);
    expect(calls['slipway:debug:close'].request({ buildId: 'b' })).toBe(true);
    expect(calls['slipway:debug:close'].request({ buildId: 'b', stepId: 3 })).toBe(false);
    expect(calls['slipway:build:breakpoints'].request({ buildId: 'b', breakpoints: ['a:2'], breakOnFailure: false })).toBe(true);
    expect(calls['slipway:build:breakpoints'].request({ buildId: 'b', breakpoints: ['a:2'] })).toBe(false);
  });
});

describe('the diff list', () => {
  it('hides folders modified only because something under them changed', () => {
    const changes = [
      { path: '/etc', kind: 'modified' as const },
      { path: '/etc/motd', kind: 'deleted' as const },
      { path: '/var/log', kind: 'modified' as const },
      { path: '/made', kind: 'added' as const },
    ];
    expect([...parentOnly(changes)]).toEqual(['/etc']);
  });
});
