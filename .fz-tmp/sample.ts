import fc from '/work/main/node_modules/fast-check/lib/fast-check.js';
import { dockerfile, tidyDockerfile, word } from '/work/main/test/unit/fuzz-inputs';
import { outline } from '/work/main/electron/builder/frontend';
const samples = fc.sample(process.env.ARB === "t" ? tidyDockerfile : dockerfile, { seed: 5, numRuns: 2000 });
for (const s of samples.slice(0, 6)) console.log(JSON.stringify(s));
const counts = new Map<string, number>();
for (const s of samples) {
  let k = 'ok';
  try { outline(s); } catch (e) { k = String((e as Error).message).replace(/".*"|'.*'|\(.*\)|:.*$/s, '…').slice(0, 60); }
  counts.set(k, (counts.get(k) ?? 0) + 1);
}
console.log([...counts].sort((a, b) => b[1] - a[1]).slice(0, 40));
for (const w of fc.sample(word, { seed: 3, numRuns: 10 })) console.log(JSON.stringify(w));
