/**
 * Electronegativity over Slipway's sources (scripts/electronegativity.mjs): nothing above LOW,
 * every file parsed, every suppression documented. The tool itself exits 0 on any finding, so
 * the verdict is the script's; the fixtures below show that it does fail a bad app.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../electron/core/csp';
import { evaluateCsp, scan, summary, SUPPRESSED, verdict, type ScanResult } from '../../scripts/electronegativity.mjs';

// The scanner parses every source file: slow on a busy 2-core machine.
const SCAN_MS = 180_000;

/** A tiny Electron app of one main file, pinned to the project's Electron. */
async function fixtureApp(main: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-electronegativity-fixture-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'fixture', devDependencies: { electron: '41.7.1' } }));
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'src', 'main.js'), main);
  return dir;
}

const checksOf = (result: ScanResult, severities: string[]) =>
  new Set(result.findings.filter((f) => severities.includes(f.severity)).map((f) => f.check));

describe('electronegativity', () => {
  it(
    "finds nothing above LOW in Slipway's sources, and parses every file",
    async () => {
      const result = await scan();
      const v = verdict(result);
      console.log(summary(result, v));
      expect(result.checks).toBeGreaterThan(30);
      expect(result.errors).toEqual([]);
      expect(v.problems).toEqual([]);
      expect(v.ok).toBe(true);
      // Each accepted finding is one documented in the script, with its reason.
      for (const finding of v.accepted) {
        expect(SUPPRESSED.find((s) => s.check === finding.check && s.file === finding.file)?.why.length).toBeGreaterThan(40);
      }
    },
    SCAN_MS,
  );

  it(
    'fails a window that turns the checklist off, and an eng-disable comment',
    async () => {
      const root = await fixtureApp(`
const { app, BrowserWindow, shell } = require('electron');
app.whenReady().then(() => {
  const win = new BrowserWindow({
    webPreferences: { contextIsolation: false, sandbox: false, webSecurity: false, allowRunningInsecureContent: true },
  });
  win.loadURL('http://example.com/');
  win.webContents.on('new-window', (e, url) => shell.openExternal(url));
});
const quiet = new BrowserWindow({ webPreferences: { contextIsolation: false } }); // eng-disable CONTEXT_ISOLATION_JS_CHECK
`);
      const result = await scan({ root, paths: ['package.json', 'src'] });
      const v = verdict(result, []);
      expect(v.ok).toBe(false);
      // No CSP, no navigation limit, no permission handler are found as surely as the bad options.
      const failing = checksOf(result, ['MEDIUM', 'HIGH']);
      // (An explicit nodeIntegration: true is only INFORMATIONAL to the tool: electron-security.test.ts covers it.)
      for (const check of [
        'CONTEXT_ISOLATION_JS_CHECK',
        'SANDBOX_JS_CHECK',
        'WEB_SECURITY_JS_CHECK',
        'INSECURE_CONTENT_JS_CHECK',
        'OPEN_EXTERNAL_JS_CHECK',
        'CSP_GLOBAL_CHECK',
        'LIMIT_NAVIGATION_GLOBAL_CHECK',
        'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
      ]) {
        expect(failing, check).toContain(check);
      }
      // The eng-disable comment did hide its line from the tool: only the script's verdict sees it.
      expect(result.findings.filter((f) => f.check === 'CONTEXT_ISOLATION_JS_CHECK').map((f) => f.line)).toEqual([5]);
      expect(v.problems).toContain('src/main.js suppresses a check with eng-disable: add it to SUPPRESSED in scripts/electronegativity.mjs, with the reason');
      // A suppression that matches nothing is a problem too.
      expect(verdict(result, [{ check: 'PRELOAD_JS_CHECK', file: 'src/main.js', why: 'none' }]).problems).toContain(
        'stale suppression of PRELOAD_JS_CHECK in src/main.js: it matches nothing any more, remove it',
      );
    },
    SCAN_MS,
  );

  it(
    'fails a file it cannot parse',
    async () => {
      const root = await fixtureApp('const { BrowserWindow } = require("electron");\nnew BrowserWindow({ webPreferences: { nodeIntegration: false } ');
      const result = await scan({ root, paths: ['package.json', 'src'] });
      expect(verdict(result, []).problems.some((p) => p.startsWith('could not parse src/main.js'))).toBe(true);
    },
    SCAN_MS,
  );
});

describe("Slipway's Content-Security-Policy through the tool's CSP evaluator", () => {
  // HIGH, SYNTAX, MEDIUM and HIGH_MAYBE are real weaknesses; MEDIUM_MAYBE ('self' could host
  // JSONP or uploads: Slipway serves neither) and INFO (the loopback socket in web mode) are not.
  const SERIOUS = ['HIGH', 'SYNTAX', 'MEDIUM', 'HIGH_MAYBE'];

  it.each([
    ['electron', contentSecurityPolicy()],
    ['web mode', contentSecurityPolicy(['ws://127.0.0.1:4000', 'ws://localhost:4000'])],
  ])('%s: no serious finding', (_name, policy) => {
    const findings = evaluateCsp(policy);
    expect(findings.filter((f) => SERIOUS.includes(f.severity))).toEqual([]);
    expect(findings.length).toBeGreaterThan(0); // the evaluator did read it
  });

  it('does flag a weak policy', () => {
    const serious = evaluateCsp("script-src 'self' https: 'unsafe-inline'; object-src *").filter((f) => SERIOUS.includes(f.severity));
    expect(serious.map((f) => f.directive)).toEqual(expect.arrayContaining(['script-src', 'object-src']));
  });
});
