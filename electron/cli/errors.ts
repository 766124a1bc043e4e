/** A usage or input problem, printed without a stack trace. */
export class CliError extends Error {}
