/**
 * Command line of bench/run.ts.
 */

export const SUITES = ['seed', 'availability', 'contention', 'throughput', 'live', 'coldstart'] as const;
export type SuiteName = (typeof SUITES)[number];
export type Engine = 'pglite' | 'postgres';

export interface BenchArgs {
  engines: Engine[];
  only: SuiteName[];
  /** Admin URL of the PostgreSQL server where bench_* databases are created and dropped. */
  pgUrl: string;
  /** Concurrency of the sustained booking run. */
  concurrency: number;
  /** Request cap and time cap of the sustained booking run. */
  bookings: number;
  seconds: number;
  /** HTTP client of the load generator. */
  client: 'fetch' | 'http';
  /** Days of past bookings seeded before the 30 days ahead (default 0). */
  historyDays: number;
  /** Repetitions of each cold-start measurement. */
  coldRuns: number;
  /** Write every figure as JSON here. */
  json: string | undefined;
  /** Write a CPU profile of the server thread for each measured phase into this folder. */
  cpuProf: string | undefined;
}

export const USAGE = `Usage: npx tsx bench/run.ts [options]      (from the repository root)
       npm run bench -- --engine both        (root script: npm keeps most other options)
       npm run bench -- pglite|postgres|both [NAME,NAME…]

  --engine pglite|postgres|both   database engine(s) (default both)
  --only NAME[,NAME…]             ${SUITES.join(', ')} (default all; seed always runs first)
  --pg-url URL                    PostgreSQL server for bench_* databases
                                  (default $BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test)
  --concurrency N                 sustained booking concurrency (default 24)
  --bookings N                    sustained booking request cap (default 3000)
  --seconds S                     sustained booking time cap (default 10)
  --client fetch|http             load generator's HTTP client: Node's global fetch (default)
                                  or node:http (less client-side CPU)
  --history-days N                also seed N days of past bookings (default 0)
  --cold-runs N                   repetitions of each cold-start measurement (default 3)
  --json FILE                     also write the figures as JSON
  --cpu-prof DIR                  CPU profile of the server thread per measured phase
                                  (summarize: npx tsx bench/profile.ts DIR/FILE.cpuprofile)
`;

function int(name: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer ${min}..${max}`);
  return n;
}

/** Parses argv (without node and script). @throws Error with a message for the user. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const out: BenchArgs = {
    engines: ['pglite', 'postgres'],
    only: [...SUITES],
    pgUrl: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
    concurrency: 24,
    bookings: 3000,
    seconds: 10,
    coldRuns: 3,
    historyDays: 0,
    client: 'fetch',
    json: undefined,
    cpuProf: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--engine': {
        const v = value();
        if (v === 'both') out.engines = ['pglite', 'postgres'];
        else if (v === 'pglite' || v === 'postgres') out.engines = [v];
        else throw new Error('--engine must be pglite, postgres or both');
        break;
      }
      case '--only': {
        const names = (value() ?? '').split(',').filter(Boolean);
        for (const n of names)
          if (!(SUITES as readonly string[]).includes(n)) throw new Error(`--only: unknown benchmark "${n}"`);
        if (names.length === 0) throw new Error('--only needs a name');
        out.only = names as SuiteName[];
        break;
      }
      case '--pg-url':
        out.pgUrl = value() ?? '';
        if (!/^postgres(ql)?:\/\//.test(out.pgUrl)) throw new Error('--pg-url must be a postgres:// URL');
        break;
      case '--concurrency':
        out.concurrency = int('--concurrency', value(), 1, 256);
        break;
      case '--bookings':
        out.bookings = int('--bookings', value(), 1, 100_000);
        break;
      case '--seconds':
        out.seconds = int('--seconds', value(), 1, 300);
        break;
      case '--client': {
        const v = value();
        if (v !== 'fetch' && v !== 'http') throw new Error('--client must be fetch or http');
        out.client = v;
        break;
      }
      case '--history-days':
        out.historyDays = int('--history-days', value(), 0, 3650);
        break;
      case '--cold-runs':
        out.coldRuns = int('--cold-runs', value(), 1, 20);
        break;
      case '--json':
        out.json = value();
        break;
      case '--cpu-prof':
        out.cpuProf = value();
        break;
      case '--help':
      case '-h':
        throw new Error(USAGE);
      default: {
        // The root script (`npm run bench -w @bookedbarber/server`) has no "--", so npm keeps
        // options such as --engine/--only for itself and passes only their values: accept those.
        if (a === 'pglite' || a === 'postgres') out.engines = [a];
        else if (a === 'both') out.engines = ['pglite', 'postgres'];
        else if (a.split(',').every((n) => (SUITES as readonly string[]).includes(n)))
          out.only = a.split(',') as SuiteName[];
        else
          throw new Error(
            `Unknown option ${a}\n(through the root "npm run bench" npm swallows most options: use\n` +
              ` npx tsx bench/run.ts --engine … --only … for every option)\n\n${USAGE}`,
          );
      }
    }
  }
  return out;
}
