import fc from '/work/main/node_modules/fast-check/lib/fast-check.js';
import { dockerfile } from '/work/main/test/unit/fuzz-inputs';
import { outline } from '/work/main/electron/builder/frontend';
const want = process.argv[2]!;
let n = 0;
for (const s of fc.sample(dockerfile, { seed: 5, numRuns: 2000 })) {
  try { outline(s); } catch (e) { const m = (e as Error).message; if (m.startsWith(want) && n++ < 4) console.log(m.slice(0,150), JSON.stringify((e as any).range), '\n  ', JSON.stringify(s).slice(0, 700)); }
}
