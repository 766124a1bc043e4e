import * as A from '/work/main/.fz-tmp/pattern-old';
import * as B from '/work/main/electron/builder/shell/pattern';
let seed = 1;
const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
const pick = (s: string[]) => s[Math.floor(rnd() * s.length)]!;
const pchars = ['a', 'b', '*', '?', '\n', '\\*', 'ab', '**'];
const vchars = ['a', 'b', '\n', '*', '?'];
let n = 0;
for (let i = 0; i < 300000; i++) {
  let p = ''; const pl = Math.floor(rnd() * 6); for (let j = 0; j < pl; j++) p += pick(pchars);
  let v = ''; const vl = Math.floor(rnd() * 9); for (let j = 0; j < vl; j++) v += pick(vchars);
  for (const f of ['trimPrefix', 'trimSuffix'] as const) for (const longest of [true, false]) {
    const a = A[f](v, p, longest), b = B[f](v, p, longest);
    if (a !== b) { if (n++ < 10) console.log(f, longest, JSON.stringify(v), JSON.stringify(p), JSON.stringify(a), JSON.stringify(b)); }
  }
  for (const f of ['replaceFirst', 'replaceEvery'] as const) {
    const a = A[f](v, p, 'X'), b = B[f](v, p, 'X');
    if (a !== b) { if (n++ < 10) console.log(f, JSON.stringify(v), JSON.stringify(p), JSON.stringify(a), JSON.stringify(b)); }
  }
}
console.log('mismatches', n);
