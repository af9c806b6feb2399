/**
 * 5. Cold start to the first answered request: `node --import tsx apps/server/src/server.ts` as a
 *    child process on a free port, polling GET /health every 10 ms until it answers 200.
 *    - first start: empty DATA_DIR (PGlite) or empty database (PostgreSQL): migrate + demo seed;
 *    - restart: the same data again (the demo seed is skipped: one count query).
 *    For context: `node --import tsx -e ""` (Node plus the TypeScript loader, nothing else).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchArgs, Engine } from '../lib/args.ts';
import type { SuiteResult } from '../lib/report.ts';
import { fmtMs, summarize, table } from '../lib/stats.ts';
import { createTarget } from '../lib/targets.ts';

export const COLD_START_TARGET_MS = 3000;
const REPO = path.resolve(import.meta.dirname, '../..');
const START_TIMEOUT_MS = 60_000;

/** A port that was free a moment ago on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface StartMeasure {
  /** Spawn → first 200 from /health. */
  ms: number;
  /** The server's own "ready in N ms" (config → listening; module loading excluded). */
  readyInMs: number | null;
  seeded: boolean;
}

/** Spawns the server, waits for /health, stops it with SIGTERM. */
async function startOnce(env: Record<string, string | undefined>): Promise<StartMeasure> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/server.ts'], {
    cwd: REPO,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));
  let ms = Number.NaN;
  try {
    while (performance.now() - t0 < START_TIMEOUT_MS && exitCode === undefined) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
        await res.text();
        if (res.status === 200) {
          ms = performance.now() - t0;
          break;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    if (exitCode === undefined) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
  }
  if (!Number.isFinite(ms))
    throw new Error(`server did not answer /health within ${START_TIMEOUT_MS} ms:\n${out}`);
  const m = /ready in (\d+) ms/.exec(out);
  return { ms, readyInMs: m ? Number(m[1]) : null, seeded: out.includes('Seeded the demo shop') };
}

async function bareNode(): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', '-e', ''], { cwd: REPO, stdio: 'ignore' });
    c.once('error', reject);
    c.once('exit', () => resolve());
  });
  return performance.now() - t0;
}

export async function coldStartSuite(engine: Engine, args: BenchArgs): Promise<SuiteResult> {
  const base: Record<string, string | undefined> = { ...process.env, WEB_DIST: '/nonexistent' };
  delete base.DATABASE_URL;
  delete base.INIT_CWD;
  const first: StartMeasure[] = [];
  const again: StartMeasure[] = [];
  const node: number[] = [];
  for (let i = 0; i < args.coldRuns; i++) {
    const target = await createTarget(engine, args.pgUrl);
    try {
      const env = {
        ...base,
        DATA_DIR: target.dataDir,
        ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
      };
      first.push(await startOnce(env));
      again.push(await startOnce(env));
    } finally {
      await target.cleanup();
    }
    node.push(await bareNode());
  }
  // Sanity: the first start seeded and the restart did not.
  const seededOk = first.every((m) => m.seeded) && again.every((m) => !m.seeded);
  const f = summarize(first.map((m) => m.ms));
  const a = summarize(again.map((m) => m.ms));
  const n = summarize(node);
  const ready = (ms: StartMeasure[]) => summarize(ms.map((m) => m.readyInMs ?? Number.NaN)).p50;
  const tmpNote = fs.existsSync(path.join(os.tmpdir(), `tsx-${os.userInfo().uid}`)) ? 'warm' : 'cold';
  return {
    suite: 'coldstart',
    engine,
    details: [
      table(
        ['start', 'runs', 'median ms', 'min ms', 'max ms', '"ready in" (server.ts, median)'],
        [
          [
            'first start: empty data, migrate + demo seed',
            f.n,
            fmtMs(f.p50),
            fmtMs(f.min),
            fmtMs(f.max),
            fmtMs(ready(first)),
          ],
          ['restart with existing data', a.n, fmtMs(a.p50), fmtMs(a.min), fmtMs(a.max), fmtMs(ready(again))],
          [
            'context: node --import tsx -e "" (spawn → exit)',
            n.n,
            fmtMs(n.p50),
            fmtMs(n.min),
            fmtMs(n.max),
            '–',
          ],
        ],
      ),
      `Measured from spawn to the first 200 of GET /health (polled every 10 ms). "ready in" is what server.ts prints: from main() to listening, module loading excluded. tsx transform cache: ${tmpNote}. Demo seed on first start and not on restart: ${seededOk ? 'yes' : 'NO'}.`,
    ],
    checks: [
      {
        name: 'cold start, first start (migrate + seed)',
        measured: `${fmtMs(f.p50)} ms median`,
        target: `< ${COLD_START_TARGET_MS} ms`,
        met: f.p50 < COLD_START_TARGET_MS,
      },
      {
        name: 'cold start, restart',
        measured: `${fmtMs(a.p50)} ms median`,
        target: `< ${COLD_START_TARGET_MS} ms`,
        met: a.p50 < COLD_START_TARGET_MS,
      },
    ],
    data: { first, again, node, summaries: { first: f, again: a, node: n } },
  };
}
