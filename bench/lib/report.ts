/**
 * What each benchmark returns: a detail table for the console and checks against the targets.
 */
import type { Engine, SuiteName } from './args.ts';

/** One target: what was measured against what was asked. `met` null = no target (informational). */
export interface Check {
  name: string;
  measured: string;
  target: string;
  met: boolean | null;
}

export interface SuiteResult {
  suite: SuiteName;
  engine: Engine;
  /** Lines printed under the suite's heading (tables, notes). */
  details: string[];
  checks: Check[];
  /** Raw figures for --json. */
  data: Record<string, unknown>;
}

export const verdict = (met: boolean | null): string => (met === null ? '–' : met ? 'met' : 'NOT met');
