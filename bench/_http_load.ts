/**
 * A closed-loop HTTP load generator for bench/http_bench.ts: `concurrency` clients, each sending
 * its next request as soon as its previous response is read, until the time is up. A request
 * fails when it throws, when its status is not 200 or when its body is not the expected one.
 *
 * @module
 */

/** What to send, how hard, for how long. */
export interface LoadOptions {
  /** The URL to send to. */
  readonly url: string;
  /** The request (method, headers, body), the same each time. */
  readonly init: RequestInit;
  /** The body every response must have. */
  readonly expected: string;
  /** How many clients send at once. */
  readonly concurrency: number;
  /** For how long, in milliseconds. */
  readonly durationMs: number;
}

/** What a load run measured. */
export interface LoadReport {
  /** Requests answered correctly. */
  readonly ok: number;
  /** Requests that threw, or whose status or body was wrong. */
  readonly failed: number;
  /** The first failure's description, or `null`. */
  readonly firstFailure: string | null;
  /** Correct responses per second of the run. */
  readonly rps: number;
  /** Latency percentiles of correct responses, in milliseconds. */
  readonly p50: number;
  /** The 99th percentile. */
  readonly p99: number;
  /** The longest. */
  readonly max: number;
  /** How long the run took, in milliseconds. */
  readonly elapsedMs: number;
}

/**
 * Runs the load.
 *
 * @param options URL, request, expected body, clients and duration.
 * @returns Counts, throughput and latency percentiles.
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const latencies: number[] = [];
  let failed = 0;
  let firstFailure: string | null = null;
  const start = performance.now();
  const deadline = start + options.durationMs;

  const client = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      try {
        const response = await fetch(options.url, options.init);
        const body = await response.text();
        if (response.status !== 200 || body !== options.expected) {
          failed++;
          firstFailure ??= `status ${response.status}, body ${body.slice(0, 200)}`;
          continue;
        }
        latencies.push(performance.now() - sent);
      } catch (error) {
        failed++;
        firstFailure ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const elapsedMs = performance.now() - start;

  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) =>
    sorted.length === 0 ? NaN : sorted[
      Math.min(
        sorted.length - 1,
        Math.floor(p * sorted.length),
      )
    ]!;
  return {
    ok: latencies.length,
    failed,
    firstFailure,
    rps: latencies.length / (elapsedMs / 1000),
    p50: at(0.5),
    p99: at(0.99),
    max: sorted.length === 0 ? NaN : sorted[sorted.length - 1]!,
    elapsedMs,
  };
}
