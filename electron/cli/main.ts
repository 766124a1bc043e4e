export async function main(argv: string[]): Promise<number> {
  console.log('slipway', argv);
  return 0;
}
