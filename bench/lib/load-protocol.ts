/**
 * Messages between bench/lib/load.ts (main thread) and bench/lib/load-worker.ts.
 */

/** One HTTP request to 127.0.0.1. `path` starts with "/". */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * - sequential: `warmup` untimed requests, then each request after the previous answered.
 * - burst: `prewarm` keep-alive connections opened first (GET /health), then every request at once.
 * - pool: `concurrency` loops take the next request until all are sent or `maxMs` passed.
 */
export type LoadJob =
  | { kind: 'sequential'; requests: LoadRequest[]; warmup: LoadRequest[] }
  | { kind: 'burst'; requests: LoadRequest[]; prewarm: number }
  | { kind: 'pool'; requests: LoadRequest[]; concurrency: number; maxMs: number };

/** The answer to one request; `code` is the problem `code` of a non-2xx JSON answer. */
export interface LoadResult {
  index: number;
  status: number;
  ms: number;
  bytes: number;
  code?: string;
  error?: string;
}

export interface LoadReport {
  results: LoadResult[];
  /** From the first request sent to the last answer. */
  wallMs: number;
}

/** fetch: Node's global fetch (undici); http: node:http with a keep-alive agent (less client CPU). */
export type HttpClient = 'fetch' | 'http';

export interface LoadWorkerData {
  baseUrl: string;
  job: LoadJob;
  client: HttpClient;
}
