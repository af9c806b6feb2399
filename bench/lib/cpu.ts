/**
 * CPU accounting for a benchmark phase: the whole machine (from /proc/stat, so the PostgreSQL
 * server processes count too), this process (main thread + load worker + PGlite, which runs in the
 * main thread), and the main thread's event-loop utilization (how busy the server's thread was).
 */
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

/** What a phase used. Percentages of one core: 200 means both cores of a 2-core machine. */
export interface CpuUse {
  wallMs: number;
  /** All processes on the machine, % of one core (NaN where /proc/stat is unavailable). */
  machinePct: number;
  /** This process, % of one core. */
  processPct: number;
  /** Event-loop utilization of the main (server) thread, 0..1. */
  mainElu: number;
}

function readProcStat(): { busy: number; total: number } | null {
  try {
    const first = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const v = first.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** Starts measuring; call the returned function at the end of the phase. */
export function startCpuMeter(): () => CpuUse {
  const t0 = performance.now();
  const stat0 = readProcStat();
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  return () => {
    const wallMs = performance.now() - t0;
    const stat1 = readProcStat();
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    const cores = os.availableParallelism();
    const machinePct =
      stat0 && stat1 && stat1.total > stat0.total
        ? ((stat1.busy - stat0.busy) / (stat1.total - stat0.total)) * 100 * cores
        : Number.NaN;
    return {
      wallMs,
      machinePct,
      processPct: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
      mainElu: elu.utilization,
    };
  };
}

/** "machine 187%, process 120%, server thread 96% busy" */
export function fmtCpu(c: CpuUse): string {
  const m = Number.isFinite(c.machinePct) ? `machine ${Math.round(c.machinePct)}%, ` : '';
  return `${m}process ${Math.round(c.processPct)}%, server thread ${Math.round(c.mainElu * 100)}% busy (100% = one core)`;
}
