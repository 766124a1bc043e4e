import fc from '/work/main/node_modules/fast-check/lib/fast-check.js';
import { word, environment, lexerOptions } from '/work/main/test/unit/fuzz-inputs';
import { ShellLexer } from '/work/main/electron/builder/shell';
const counts = new Map<string, number>();
for (const [w, env, o] of fc.sample(fc.tuple(word, environment, lexerOptions), { seed: 9, numRuns: 5000 })) {
  let k = 'ok';
  try { new ShellLexer(o).processWord(w, env); } catch (e) { k = (e as any).reason ?? String(e); k = k.replace(/\(.*\)/, '(…)').replace(/^[^:]*: (is not|[^s])/, '…: $1').slice(0, 50); }
  counts.set(k, (counts.get(k) ?? 0) + 1);
}
console.log([...counts].sort((a, b) => b[1] - a[1]).slice(0, 20));
