/**
 * The load generator, in a worker thread: its own event loop and V8 heap, so building requests,
 * parsing answers and taking timestamps neither stalls the server's event loop (the main thread)
 * nor waits behind it. Uses Node's global fetch (undici) or node:http, both with keep-alive.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { LoadReport, LoadRequest, LoadResult, LoadWorkerData } from './load-protocol.ts';

const { baseUrl, job, client } = workerData as LoadWorkerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

/** One request with node:http: status and body text. */
function viaHttp(req: LoadRequest): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    const r = http.request(
      baseUrl + req.path,
      {
        method: req.method,
        agent,
        timeout: 60_000,
        headers: {
          ...req.headers,
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', reject);
    r.end(body);
  });
}

async function viaFetch(req: LoadRequest): Promise<{ status: number; text: string }> {
  const res = await fetch(baseUrl + req.path, {
    method: req.method,
    headers: req.body === undefined ? req.headers : { 'content-type': 'application/json', ...req.headers },
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, text: await res.text() };
}

async function send(req: LoadRequest, index: number): Promise<LoadResult> {
  const t0 = performance.now();
  try {
    const res = await (client === 'http' ? viaHttp(req) : viaFetch(req));
    const text = res.text;
    const ms = performance.now() - t0;
    let code: string | undefined;
    if (res.status >= 300) {
      try {
        code = (JSON.parse(text) as { code?: string }).code;
      } catch {
        code = undefined;
      }
    }
    return { index, status: res.status, ms, bytes: text.length, ...(code ? { code } : {}) };
  } catch (err) {
    return { index, status: 0, ms: performance.now() - t0, bytes: 0, error: String((err as Error).message) };
  }
}

async function run(): Promise<LoadReport> {
  if (job.kind === 'sequential') {
    for (const [i, r] of job.warmup.entries()) await send(r, i);
    const results: LoadResult[] = [];
    const t0 = performance.now();
    for (const [i, r] of job.requests.entries()) results.push(await send(r, i));
    return { results, wallMs: performance.now() - t0 };
  }
  if (job.kind === 'burst') {
    await Promise.all(
      Array.from({ length: job.prewarm }, (_, i) => send({ method: 'GET', path: '/health' }, i)),
    );
    const t0 = performance.now();
    const results = await Promise.all(job.requests.map((r, i) => send(r, i)));
    return { results, wallMs: performance.now() - t0 };
  }
  const results: LoadResult[] = [];
  let next = 0;
  const t0 = performance.now();
  const deadline = t0 + job.maxMs;
  const loop = async () => {
    while (next < job.requests.length && performance.now() < deadline) {
      const i = next++;
      results.push(await send(job.requests[i]!, i));
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, loop));
  return { results, wallMs: performance.now() - t0 };
}

run().then(
  (report) => {
    agent.destroy();
    parentPort!.postMessage({ ok: true, report });
  },
  (err: unknown) => parentPort!.postMessage({ ok: false, error: String(err) }),
);
