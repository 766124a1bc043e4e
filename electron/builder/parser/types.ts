import type { LineRange } from '../errors';

export type { LineRange };

/** The two escape tokens BuildKit accepts (`# escape=` directive). */
export type EscapeToken = '\\' | '`';

/** An inline document attached to RUN, COPY or ADD (`<<EOF ... EOF`). */
export interface Heredoc {
  /** Terminator word with quotes removed, e.g. `EOF` for `<<'EOF'`. */
  name: string;
  /**
   * Body lines exactly as written, each with its line ending, so a one-line body is
   * `"text\n"`. With `chomp`, leading tabs are already removed from every line.
   */
  content: string;
  /** False when any part of the terminator word was quoted: the body is taken literally. */
  expand: boolean;
  /** True for `<<-`: leading tabs are stripped from body lines and from the terminator line. */
  chomp: boolean;
  /** `n` for `n<<EOF`; 0 when absent. */
  fileDescriptor: number;
}

export interface Node {
  /** Instruction word, lowercased ("run", "onbuild", or an unknown word). */
  keyword: string;
  /** `--name=value` words before the arguments, quotes and escapes removed. */
  flags: string[];
  /** Arguments as BuildKit's per-keyword rules produce them (README §3.3). */
  args: string[];
  /** True when `args` came from a JSON array (exec form). */
  json: boolean;
  /** The instruction text after continuation joining; for ONBUILD's child, the text after ONBUILD. */
  original: string;
  /** Inline documents of RUN/COPY/ADD (for ONBUILD they sit on the ONBUILD node, as in BuildKit). */
  heredocs: Heredoc[];
  /** ONBUILD's nested instruction. */
  child?: Node;
  /** First and last physical line, heredoc bodies included. ONBUILD's child shares its parent's. */
  range: LineRange;
}

export interface Directives {
  escape: EscapeToken;
  syntax?: string;
  check?: string;
}

export interface ParseWarning {
  message: string;
  range: LineRange;
}

export interface ParseResult {
  nodes: Node[];
  directives: Directives;
  warnings: ParseWarning[];
  /** From the first instruction's start line to the last instruction's end line. */
  range: LineRange;
}
