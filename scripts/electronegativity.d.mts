// Types of scripts/electronegativity.mjs, for the test that runs it.
export interface Finding {
  check: string;
  severity: 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH';
  confidence: 'TENTATIVE' | 'FIRM' | 'CERTAIN';
  /** Relative to the scanned root, with forward slashes. */
  file: string;
  line: number;
  sample: string | undefined;
  description: string;
  manualReview: boolean;
}
export interface ScanResult {
  checks: number;
  findings: Finding[];
  errors: { file: string; message: string; tolerable: boolean }[];
  /** Scanned files that carry the tool's own `eng-disable` suppression comment. */
  engDisabled: string[];
}
export interface Suppression {
  check: string;
  file: string;
  why: string;
}
export interface Verdict {
  ok: boolean;
  problems: string[];
  failing: Finding[];
  accepted: Finding[];
}
export const SCANNED: string[];
export const FAILING_SEVERITIES: string[];
export const EXCLUDED_CHECKS: string[];
export const SUPPRESSED: Suppression[];
export function scan(options?: { root?: string; paths?: string[] }): Promise<ScanResult>;
export function verdict(result: ScanResult, suppressed?: Suppression[]): Verdict;
export function summary(result: ScanResult, verdict?: Verdict): string;
export function evaluateCsp(policy: string): { severity: string; directive: string; value: string | undefined; description: string }[];
