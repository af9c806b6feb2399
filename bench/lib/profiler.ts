/**
 * `--cpu-prof DIR`: a V8 CPU profile of the main (server) thread for exactly the measured phase
 * of each benchmark, written as DIR/<engine>-<phase>.cpuprofile (open in Chrome DevTools or
 * summarize with `npx tsx bench/profile.ts FILE`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector/promises';

/** Runs `fn`; when `dir` is set, profiles the main thread meanwhile. */
export async function profiled<T>(dir: string | undefined, name: string, fn: () => Promise<T>): Promise<T> {
  if (!dir) return fn();
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    try {
      return await fn();
    } finally {
      const { profile } = await session.post('Profiler.stop');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    }
  } finally {
    session.disconnect();
  }
}
