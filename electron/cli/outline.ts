import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { outline } from '../builder/frontend';
import { keyValueList, parseCliArgs } from './args';
import { dockerfilePath } from './dockerfile-path';

/** `slipway outline [-f FILE] [--target T] [--build-arg K=V]... [CONTEXT]` */
export async function outlineCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, {
    file: { type: 'string', short: 'f' },
    target: { type: 'string' },
    'build-arg': { type: 'string', multiple: true },
  });
  const context = resolve(positionals[0] ?? '.');
  const file = await dockerfilePath(context, values.file);
  const text = await readFile(file);
  const result = outline(text, {
    ...(values.target !== undefined ? { target: values.target } : {}),
    buildArgs: keyValueList(values['build-arg'], (k) => process.env[k]),
  });
  process.stdout.write(`${JSON.stringify({ file, ...result }, null, 2)}\n`);
  return 0;
}
