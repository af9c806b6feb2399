/**
 * Runs a load job in a worker thread (bench/lib/load-worker.ts) against a server in this process.
 * The worker loads TypeScript through tsx's API, as the main thread does.
 */
import { Worker } from 'node:worker_threads';
import type { HttpClient, LoadJob, LoadReport, LoadWorkerData } from './load-protocol.ts';

export type { HttpClient, LoadJob, LoadReport, LoadRequest, LoadResult } from './load-protocol.ts';

/** The client every job uses unless told otherwise (set from --client). */
let defaultClient: HttpClient = 'fetch';
export function setHttpClient(c: HttpClient): void {
  defaultClient = c;
}
export const httpClient = (): HttpClient => defaultClient;

/** Runs `job` against `baseUrl`; rejects if the worker fails or exceeds `timeoutMs`. */
export function runLoad(
  baseUrl: string,
  job: LoadJob,
  timeoutMs = 180_000,
  client: HttpClient = defaultClient,
): Promise<LoadReport> {
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./load-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  const data: LoadWorkerData = { baseUrl, job, client };
  const worker = new Worker(bootstrap, { eval: true, workerData: data });
  return new Promise<LoadReport>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`load job "${job.kind}" did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    worker.once('message', (m: { ok: true; report: LoadReport } | { ok: false; error: string }) => {
      clearTimeout(timer);
      void worker.terminate();
      if (m.ok) resolve(m.report);
      else reject(new Error(m.error));
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
