#!/usr/bin/env node
// Electronegativity (Doyensec's scanner for Electron misconfigurations and anti-patterns) over
// Slipway's sources, with a verdict it does not give itself: its CLI exits 0 whatever it finds.
//
//   node scripts/electronegativity.mjs        prints every finding; exits 1 if the verdict fails
//
// The verdict fails on
//   - any finding of MEDIUM or HIGH severity, whatever its confidence ("nothing above LOW"):
//     the tool's confidence says how sure its pattern match is, not how bad the problem would
//     be, and a TENTATIVE match of a HIGH check is exactly what a person must look at;
//   - a file it could not parse (a file it did not check would pass silently otherwise);
//   - an `eng-disable` comment in the sources: every suppression lives in SUPPRESSED below,
//     with its reason, and one that no longer matches anything fails too (it would hide the
//     next real finding at that place).
// LOW and INFORMATIONAL findings are printed, and pass.
//
// The test suite runs this through test/unit/electron-security-scan.test.ts.
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const projectDir = fileURLToPath(new URL('..', import.meta.url));

/** What is scanned: the Electron side, the contract, and the renderer's sources and page. */
export const SCANNED = ['electron', 'shared', 'renderer/src', 'renderer/index.html', 'package.json'];

/** Severities that fail the verdict. */
export const FAILING_SEVERITIES = ['MEDIUM', 'HIGH'];

/**
 * Checks left out of the run:
 * - AvailableSecurityFixesGlobalCheck downloads Electron's release list from the internet on
 *   every run (and the tests run offline); whether the pinned Electron has newer security
 *   releases is a question for dependency updates, not one whose answer should change a build's
 *   result from one day to the next.
 */
export const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

/** Findings reviewed and accepted: check id, file, and why. Each must still match something. */
export const SUPPRESSED = [
  {
    check: 'PRELOAD_JS_CHECK',
    file: 'electron/main/index.ts',
    why:
      'The check flags every preload ("review the use of preload scripts"). Slipway needs one for window.slipway; ' +
      'electron/preload/index.ts was reviewed: it exposes one function per call and one listener per event of ' +
      'shared/contract.ts through contextBridge, never ipcRenderer, and webUtils.getPathForFile alone; the page ' +
      'is sandboxed and context-isolated, and main checks every sender (test/unit/electron-glue.test.ts, ' +
      'test/unit/electron-security.test.ts).',
  },
];

/**
 * The tool asks the internet for updated translations of its messages on every run; this
 * replaces that step with its bundled English ones, so a scan never leaves the machine.
 */
function loadOffline() {
  const i18nFile = require.resolve('@doyensec/electronegativity/dist/locales/i18n.js');
  const i18n = require(require.resolve('i18n', { paths: [dirname(i18nFile)] }));
  const offline = async () => {
    i18n.configure({ locales: ['en-US'], defaultLocale: 'en-US', directory: dirname(i18nFile), updateFiles: false, objectNotation: true, retryInDefaultLocale: true, register: globalThis });
    i18n.setLocale('en-US');
  };
  const stub = new Module(i18nFile);
  stub.filename = i18nFile;
  stub.loaded = true;
  stub.exports = offline;
  require.cache[i18nFile] = stub;
  return require('@doyensec/electronegativity');
}

/** The exact Electron version the project pins (the tool's checks depend on its defaults). */
function electronVersion(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const version = pkg.devDependencies?.electron ?? pkg.dependencies?.electron;
  if (!/^\d+\.\d+\.\d+$/.test(version ?? '')) throw new Error(`package.json must pin electron to an exact version (found ${version})`);
  return version;
}

/**
 * Runs the scan over `paths` of `root` (copied to a temporary folder first: the tool takes one
 * input folder and would otherwise also read tests, scripts and build output).
 * @returns {Promise<import("./electronegativity.d.mts").ScanResult>}
 */
export async function scan({ root = projectDir, paths = SCANNED } = {}) {
  const stage = mkdtempSync(join(tmpdir(), 'slipway-electronegativity-'));
  try {
    for (const path of paths) {
      cpSync(join(root, path), join(stage, path), { recursive: true, filter: (src) => !src.split(/[/\\]/).includes('node_modules') });
    }
    const run = loadOffline();
    const result = await run({
      input: stage,
      isRelative: true,
      electronVersionOverride: electronVersion(root),
      excludeFromScan: EXCLUDED_CHECKS,
      customScan: [],
      parserPlugins: [],
    });
    const findings = result.issues.map((issue) => ({
      check: issue.id,
      severity: issue.severity.name,
      confidence: issue.confidence.name,
      file: issue.file.split('\\').join('/'),
      line: issue.location.line,
      sample: issue.sample,
      description: issue.description,
      manualReview: Boolean(issue.manualReview),
    }));
    return { checks: result.globalChecks + result.atomicChecks, findings, errors: result.errors.map((e) => ({ ...e, file: relative(stage, e.file) })), engDisabled: filesWithEngDisable(stage) };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** Every scanned file with an `eng-disable` comment (the tool's own suppression syntax). */
function filesWithEngDisable(stage) {
  const found = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\beng-disable\b/.test(readFileSync(path, 'utf8'))) found.push(relative(stage, path).split('\\').join('/'));
    }
  };
  walk(stage);
  return found;
}

/** What fails, what is accepted, and why. */
export function verdict(result, suppressed = SUPPRESSED) {
  const isSuppressed = (f) => suppressed.some((s) => s.check === f.check && s.file === f.file);
  const failing = result.findings.filter((f) => FAILING_SEVERITIES.includes(f.severity) && !isSuppressed(f));
  const problems = [
    ...failing.map((f) => `${f.severity} ${f.check} at ${f.file}:${f.line}: ${f.description}`),
    ...result.errors.filter((e) => !e.tolerable).map((e) => `could not parse ${e.file}: ${e.message}`),
    ...result.engDisabled.map((file) => `${file} suppresses a check with eng-disable: add it to SUPPRESSED in scripts/electronegativity.mjs, with the reason`),
    ...suppressed
      .filter((s) => !result.findings.some((f) => f.check === s.check && f.file === s.file))
      .map((s) => `stale suppression of ${s.check} in ${s.file}: it matches nothing any more, remove it`),
  ];
  return { ok: problems.length === 0, problems, failing, accepted: result.findings.filter(isSuppressed) };
}

/** One line per finding, then the verdict. */
export function summary(result, v = verdict(result)) {
  const lines = [`electronegativity: ${result.checks} checks, ${result.findings.length} findings`];
  for (const f of result.findings) {
    const mark = v.accepted.includes(f) ? 'accepted' : v.failing.includes(f) ? 'FAILS' : 'ok';
    lines.push(`  [${mark}] ${f.severity}/${f.confidence} ${f.check} ${f.file}:${f.line} ${f.description}`);
  }
  lines.push(v.ok ? 'electronegativity: nothing above LOW' : `electronegativity: ${v.problems.length} problem(s):\n  ${v.problems.join('\n  ')}`);
  return lines.join('\n');
}

/**
 * A Content-Security-Policy through the evaluator the tool itself uses (Google's CSP Evaluator):
 * the tool cannot read a policy that is computed, as Slipway's is, so the test feeds it the real one.
 * @returns {{ severity: string, directive: string, value: string | undefined, description: string }[]}
 */
export function evaluateCsp(policy) {
  const toolRequire = createRequire(require.resolve('@doyensec/electronegativity'));
  const csp = toolRequire('@doyensec/csp-evaluator');
  const names = Object.fromEntries(Object.entries(csp.severities).map(([name, value]) => [value, name]));
  const parsed = new csp.CspParser(policy).csp;
  return new csp.CspEvaluator(parsed, csp.Version.CSP3).evaluate().map((f) => ({ severity: names[f.severity], directive: f.directive, value: f.value, description: f.description }));
}

if (process.argv[1] && existsSync(process.argv[1]) && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await scan();
  const v = verdict(result);
  console.log(summary(result, v));
  process.exit(v.ok ? 0 : 1);
}
