/**
 * GraphQL over HTTP under load: the seed's query, `{ characters { name actors { name } } }`, on
 * the seed's schema scaled to 100 characters with 5 actors each (in memory), sent over HTTP on
 * localhost by 32 concurrent clients for a bounded time, to two servers measured in the same run:
 *
 * - hiku-ts: `Schema` behind `graphqlHandler`, with every default limit, the time limit and error
 *   masking on;
 * - graphql-js + DataLoader on `Deno.serve`, with documents cached by query text.
 *
 * Each server runs in its own process (bench/_http_server.ts), one after the other, so that its
 * memory figures are its own and the two do not compete for the CPU; the load generator
 * (bench/_http_load.ts) runs in this process. Before timing, the run checks that both servers
 * answer the query with the same bytes, which it builds by hand from the data. Each server then
 * gets a warm-up, its memory is read (after a garbage collection), the load runs, and its memory
 * is read again.
 *
 * Reported per server: correct responses per second, latency p50 and p99, failed requests (a
 * request fails when it throws, or its status or body is wrong), and the server's RSS and V8 heap
 * before and after. The run fails when a request failed, when hiku-ts serves fewer requests per
 * second than graphql-js, or when hiku-ts's heap after the load is more than 25% (plus 4 MB)
 * above what it was before.
 *
 * ```sh
 * deno task bench bench/http_bench.ts                         # 30 s per server
 * HTTP_BENCH_SECONDS=5 deno task bench bench/http_bench.ts    # a quick run
 * ```
 *
 * @module
 */

import { type LoadReport, runLoad } from "./_http_load.ts";
import { expectedResponse, QUERY } from "./_http_server.ts";

const SECONDS = Number(Deno.env.get("HTTP_BENCH_SECONDS") ?? "30");
const WARMUP_SECONDS = Math.min(5, Math.max(1, SECONDS / 6));
const CONCURRENCY = 32;
const CONTENDERS = ["hiku-ts", "graphql-js"] as const;

interface Memory {
  readonly rss: number;
  readonly heapUsed: number;
}

interface Measured {
  readonly name: string;
  readonly load: LoadReport;
  readonly before: Memory;
  readonly after: Memory;
}

/** A contender's server process, started and ready. */
class ServerProcess implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly url: string;

  private constructor(child: Deno.ChildProcess, url: string) {
    this.#child = child;
    this.url = url;
  }

  static async start(name: string): Promise<ServerProcess> {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        "--v8-flags=--expose-gc",
        // Deno's coming request.signal behaviour, which the handler reads; without it Deno prints a notice.
        "--unstable-no-legacy-abort",
        new URL("./_http_server.ts", import.meta.url).href,
        name,
      ],
      cwd: new URL("..", import.meta.url),
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    for (;;) {
      const { done, value } = await lines.read();
      if (done) throw new Error(`Server ${name} exited before listening: ${text}`);
      text += value;
      const match = /Listening on (\S+)\n/.exec(text);
      if (match !== null) {
        // Nothing else is printed; let the rest of the output go.
        lines.releaseLock();
        void child.stdout.cancel().catch(() => {});
        return new ServerProcess(child, match[1]!);
      }
    }
  }

  async memory(): Promise<Memory> {
    const response = await fetch(`${this.url}/memory`);
    const usage = await response.json() as Memory;
    return { rss: usage.rss, heapUsed: usage.heapUsed };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#child.kill("SIGTERM");
    const status = await this.#child.status;
    if (!status.success) throw new Error(`Server exited with ${status.code}`);
  }
}

const POST: RequestInit = {
  method: "POST",
  headers: {
    "content-type": "application/json",
    accept: "application/graphql-response+json",
  },
  body: JSON.stringify({ query: QUERY }),
};

async function measure(name: string, expected: string): Promise<Measured> {
  await using server = await ServerProcess.start(name);
  const url = `${server.url}/graphql`;
  const check = await fetch(url, POST);
  const body = await check.text();
  if (check.status !== 200 || body !== expected) {
    throw new Error(
      `${name} does not answer the query as expected: status ${check.status}, ${
        body.slice(0, 300)
      }`,
    );
  }
  const options = { url, init: POST, expected, concurrency: CONCURRENCY };
  await runLoad({ ...options, durationMs: WARMUP_SECONDS * 1000 });
  const before = await server.memory();
  const load = await runLoad({ ...options, durationMs: SECONDS * 1000 });
  const after = await server.memory();
  return { name, load, before, after };
}

const MB = 1024 * 1024;
const mb = (bytes: number) => (bytes / MB).toFixed(1);

function report(results: readonly Measured[]): void {
  console.log(
    `\nGraphQL over HTTP: ${QUERY} (100 characters x 5 actors), ${CONCURRENCY} clients, ` +
      `${SECONDS} s per server after a ${WARMUP_SECONDS} s warm-up\n`,
  );
  console.log(
    "| server     | requests | failed |  req/s | p50 ms | p99 ms | RSS before → after MB | heap before → after MB |",
  );
  console.log(
    "| ---------- | -------: | -----: | -----: | -----: | -----: | --------------------: | ---------------------: |",
  );
  for (const { name, load, before, after } of results) {
    console.log(
      `| ${name.padEnd(10)} | ${String(load.ok).padStart(8)} | ${
        String(load.failed).padStart(6)
      } | ${load.rps.toFixed(0).padStart(6)} | ${load.p50.toFixed(2).padStart(6)} | ${
        load.p99.toFixed(2).padStart(6)
      } | ${`${mb(before.rss)} → ${mb(after.rss)}`.padStart(21)} | ${
        `${mb(before.heapUsed)} → ${mb(after.heapUsed)}`.padStart(22)
      } |`,
    );
  }
}

function verdicts(results: readonly Measured[]): string[] {
  const problems: string[] = [];
  for (const { name, load } of results) {
    if (load.failed > 0) {
      problems.push(`${name}: ${load.failed} requests failed; the first: ${load.firstFailure}`);
    }
  }
  const [hiku, graphqlJs] = results as [Measured, Measured];
  const ratio = hiku.load.rps / graphqlJs.load.rps;
  console.log(`\nhiku-ts serves ${ratio.toFixed(2)}x the requests per second of graphql-js`);
  if (ratio <= 1) problems.push(`hiku-ts is not faster than graphql-js: ${ratio.toFixed(2)}x`);
  const growth = hiku.after.heapUsed - hiku.before.heapUsed;
  console.log(`hiku-ts heap after the load: ${growth >= 0 ? "+" : ""}${mb(growth)} MB`);
  if (hiku.after.heapUsed > hiku.before.heapUsed * 1.25 + 4 * MB) {
    problems.push(
      `hiku-ts's heap grew from ${mb(hiku.before.heapUsed)} MB to ${mb(hiku.after.heapUsed)} MB`,
    );
  }
  return problems;
}

if (!(SECONDS > 0)) {
  throw new RangeError(`HTTP_BENCH_SECONDS must be a number above 0, got "${SECONDS}"`);
}
const expected = expectedResponse();
const results: Measured[] = [];
for (const name of CONTENDERS) results.push(await measure(name, expected));
report(results);
const problems = verdicts(results);
if (problems.length > 0) {
  throw new Error(`The HTTP bench missed its bars:\n- ${problems.join("\n- ")}`);
}
console.log("Bars met: no failed request, stable memory, hiku-ts faster than graphql-js");
