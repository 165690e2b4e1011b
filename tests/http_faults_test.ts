/**
 * graphqlHandler against faulty and hostile clients, mostly over a real `Deno.serve` server and
 * raw TCP connections: a body that never arrives, arrives a byte at a time or is cut off by a
 * disconnect; bodies and URL parameters that are not valid UTF-8; and client texts of a
 * megabyte that error messages must not echo back whole. Each fault must end in a clear answer
 * (or a closed connection), leave nothing in the logger that looks like a bug in the server, and
 * never hold the server: its handler promise settles and `server.shutdown()` finishes.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  AsyncExecutor,
  documentHash,
  Field,
  Graph,
  GRAPHQL_HANDLER_LIMITS,
  graphqlHandler,
  type GraphQLHandlerOptions,
  Option,
  Optional,
  passContext,
  type QueryField,
  Root,
  Schema,
  Str,
} from "../mod.ts";

// The graph -------------------------------------------------------------------------------------

interface FaultContext {
  readonly signal: AbortSignal;
}

const graph = Graph([
  Root([
    Field("version", Str, (fields: readonly QueryField[]) => fields.map(() => "1.0")),
    Field(
      "echo",
      Str,
      (fields: readonly QueryField[]) => fields.map((f) => f.options?.["text"] as string),
      { options: [Option("text", Str)] },
    ),
    // Answers only when the execution is stopped (its time limit, or the client going away).
    Field(
      "stalled",
      Optional(Str),
      passContext((ctx: FaultContext, fields: readonly QueryField[]) =>
        new Promise<null[]>((resolve) => {
          ctx.signal.addEventListener("abort", () => resolve(fields.map(() => null)), {
            once: true,
          });
        })
      ),
    ),
  ]),
]);

const schema = new Schema({ query: graph, executor: new AsyncExecutor() });

// Helpers ---------------------------------------------------------------------------------------

const URL_ = "http://localhost/graphql";
const JSON_UTF8 = "application/json; charset=utf-8";
const GRAPHQL_JSON = "application/graphql-response+json; charset=utf-8";
const ACCEPT_GRAPHQL = { accept: "application/graphql-response+json" };
const encoder = new TextEncoder();

interface Logged {
  readonly message: string;
  readonly error: unknown;
}

/** A handler whose logger records into `logs`. */
function handlerWith(options: GraphQLHandlerOptions = {}) {
  const logs: Logged[] = [];
  const handler = graphqlHandler(schema, {
    logger: (message, error) => logs.push({ message, error }),
    context: (_request, { signal }) => ({ signal }),
    ...options,
  });
  return { handler, logs };
}

/** A real server on a free port, recording what its handler answered and when it settled. */
class TestServer implements AsyncDisposable {
  readonly logs: Logged[] = [];
  /** The handler's promises, one per request. */
  readonly handled: Promise<Response>[] = [];
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  #shutDown = false;

  constructor(options: GraphQLHandlerOptions = {}) {
    const graphql = graphqlHandler(schema, {
      logger: (message, error) => this.logs.push({ message, error }),
      context: (_request, { signal }) => ({ signal }),
      ...options,
    });
    this.#server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (request) => {
      const answer = graphql(request);
      this.handled.push(answer);
      return answer;
    });
  }

  get port(): number {
    return this.#server.addr.port;
  }

  /** The statuses the handler answered with, once every handler promise has settled. */
  async statuses(): Promise<number[]> {
    const responses = await within(Promise.all(this.handled), 5_000, "the handler's promises");
    return responses.map((r) => r.status);
  }

  /** Shuts the server down, failing when that takes more than a few seconds. */
  async shutdown(): Promise<void> {
    this.#shutDown = true;
    await within(this.#server.shutdown(), 5_000, "server.shutdown()");
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#shutDown) await this.#server.shutdown();
  }
}

/** Settles as `promise` does, or rejects when it takes more than `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface RawResponse {
  readonly status: number;
  readonly head: string;
  readonly body: string;
}

/** A client speaking HTTP/1.1 by hand over TCP, which can stall, trickle or hang up. */
class RawClient implements AsyncDisposable {
  readonly #conn: Deno.TcpConn;
  #closed = false;

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  static async connect(port: number): Promise<RawClient> {
    return new RawClient(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  /** Writes text or bytes; false once the server has closed the connection. */
  async write(data: string | Uint8Array): Promise<boolean> {
    try {
      await this.#conn.write(typeof data === "string" ? encoder.encode(data) : data);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Writes a byte every `every` ms until `until` settles or the server closes the connection.
   *
   * @returns How many bytes went out.
   */
  async trickle(byte: string, every: number, until: Promise<unknown>): Promise<number> {
    let stop = false;
    until.then(() => stop = true, () => stop = true);
    let sent = 0;
    while (!stop && await this.write(byte)) {
      sent++;
      await delay(every);
    }
    return sent;
  }

  /** Reads one response (by its Content-Length), or `null` when the connection closes first. */
  async response(): Promise<RawResponse | null> {
    const decoder = new TextDecoder();
    const buffer = new Uint8Array(16_384);
    let raw = "";
    for (;;) {
      const end = raw.indexOf("\r\n\r\n");
      if (end >= 0) {
        const head = raw.slice(0, end);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? NaN);
        const body = raw.slice(end + 4);
        if (encoder.encode(body).byteLength >= length) {
          return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), head, body };
        }
      }
      let n: number | null;
      try {
        n = await this.#conn.read(buffer);
      } catch {
        n = null;
      }
      if (n === null) {
        assert.equal(raw, "", "the connection closed in the middle of a response");
        return null;
      }
      raw += decoder.decode(buffer.subarray(0, n), { stream: true });
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#conn.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

function postHead(headers: string): string {
  return "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
    `Accept: application/graphql-response+json\r\n${headers}\r\n`;
}

async function expectResponse(
  response: Response,
  status: number,
  contentType: string,
  body: unknown,
): Promise<void> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  assert.equal(response.headers.get("content-type"), contentType);
  assert.deepEqual(JSON.parse(text), body);
}

function postBytes(
  body: Uint8Array<ArrayBuffer>,
  headers: { readonly [name: string]: string } = {},
): Request {
  return new Request(URL_, {
    method: "POST",
    headers: { "content-type": "application/json", ...ACCEPT_GRAPHQL, ...headers },
    body,
  });
}

/** A body streamed in the given pieces, with no Content-Length. */
function streamed(...pieces: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece);
      controller.close();
    },
  });
}

function concat(...parts: (string | number[])[]): Uint8Array<ArrayBuffer> {
  const bytes = parts.map((p) => typeof p === "string" ? encoder.encode(p) : Uint8Array.from(p));
  const out = new Uint8Array(bytes.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of bytes) {
    out.set(b, offset);
    offset += b.byteLength;
  }
  return out;
}

// A body that does not arrive -------------------------------------------------------------------

const BODY = JSON.stringify({ query: "{ version }" });
const TIMED_OUT_BODY = (ms: number) => ({
  errors: [{ message: `Request body did not arrive within ${ms} ms: send the whole body sooner` }],
});

Deno.test("graphqlHandler answers 408 to a body that does not arrive in time, and lets the server go", async (t) => {
  const cases: [
    string,
    string,
    (client: RawClient, answered: Promise<unknown>) => Promise<void>,
  ][] = [
    [
      "a client that sends the headers and then nothing",
      `Content-Length: ${BODY.length}\r\n`,
      async () => {},
    ],
    [
      "a client that declares a longer Content-Length than it sends",
      `Content-Length: ${BODY.length + 100}\r\n`,
      async (client) => {
        await client.write(BODY);
      },
    ],
    [
      "a client that trickles the body a byte at a time, however steadily",
      "Content-Length: 100000\r\n",
      async (client, answered) => {
        const sent = await client.trickle(" ", 20, answered);
        assert.ok(sent > 1, `only ${sent} bytes went out`);
      },
    ],
    [
      "a chunked body that stalls",
      "Transfer-Encoding: chunked\r\n",
      async (client) => {
        await client.write(`${BODY.length.toString(16)}\r\n${BODY}\r\n`);
      },
    ],
  ];
  for (const [what, headers, send] of cases) {
    await t.step(what, async () => {
      await using server = new TestServer({ bodyTimeout: 200 });
      await using client = await RawClient.connect(server.port);
      await client.write(postHead(headers));
      const answer = within(client.response(), 10_000, "the answer");
      const sending = send(client, answer);
      const response = await answer;
      await sending;
      assert.ok(response !== null, "the connection closed without an answer");
      assert.equal(response.status, 408, response.head);
      assert.deepEqual(JSON.parse(response.body), TIMED_OUT_BODY(200));
      assert.deepEqual(await server.statuses(), [408]);
      await server.shutdown();
      assert.deepEqual(server.logs, []);
    });
  }

  await t.step("a chunked body over maxBodySize that then stalls: 413", async () => {
    await using server = new TestServer({ bodyTimeout: 60_000, maxBodySize: 10 });
    await using client = await RawClient.connect(server.port);
    await client.write(postHead("Transfer-Encoding: chunked\r\n"));
    await client.write(`${BODY.length.toString(16)}\r\n${BODY}\r\n`);
    const response = await within(client.response(), 10_000, "the answer");
    assert.equal(response?.status, 413);
    assert.deepEqual(await server.statuses(), [413]);
    await server.shutdown();
  });

  await t.step("a server shutting down while such a client waits: no bug logged", async () => {
    await using server = new TestServer({ bodyTimeout: 200 });
    const client = await RawClient.connect(server.port);
    await client.write(postHead(`Content-Length: ${BODY.length + 1}\r\n`) + BODY);
    while (server.handled.length === 0) await delay(10);
    const shutdown = server.shutdown();
    // Deno 2.9 makes the body unreadable at once (denoland/deno#36809): the client's doing, as
    // far as the handler can tell; were it still readable, the deadline would end the wait.
    const [status] = await server.statuses();
    assert.ok(status === 499 || status === 408, `answered ${status}`);
    // Deno's graceful shutdown then waits for the connection, until the client goes.
    client.close();
    await shutdown;
    assert.deepEqual(server.logs, []);
  });
});

Deno.test("graphqlHandler's time limit ends a request whose context factory or persisted query store read never answers", async (t) => {
  const never = () => new Promise<never>(() => {});
  const timedOut = {
    errors: [{ message: "Request timed out: execution took longer than 50 ms" }],
  };
  const hash = documentHash("{ version }");
  const cases: [string, GraphQLHandlerOptions, unknown][] = [
    ["the context factory", { context: never }, { query: "{ version }" }],
    [
      "the store's read",
      { persistedQueries: { store: { get: never, set: never } } },
      { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } },
    ],
  ];
  for (const [what, options, body] of cases) {
    await t.step(what, async () => {
      const { handler, logs } = handlerWith({ timeout: 50, ...options });
      const request = new Request(URL_, {
        method: "POST",
        headers: { "content-type": "application/json", ...ACCEPT_GRAPHQL },
        body: JSON.stringify(body),
      });
      const response = await within(handler(request), 5_000, what);
      await expectResponse(response, 504, GRAPHQL_JSON, timedOut);
      assert.deepEqual(logs.map((l) => l.message), [timedOut.errors[0]!.message]);
    });
  }
});

Deno.test("graphqlHandler answers, and logs it, when the persisted query store does not keep a document in time", async () => {
  const kept: string[] = [];
  const { handler, logs } = handlerWith({
    timeout: 50,
    persistedQueries: {
      store: {
        get: () => Promise.resolve(null),
        set: (hash) => {
          kept.push(hash);
          return new Promise<never>(() => {});
        },
      },
    },
  });
  const hash = documentHash("{ version }");
  const request = new Request(URL_, {
    method: "POST",
    headers: { "content-type": "application/json", ...ACCEPT_GRAPHQL },
    body: JSON.stringify({
      query: "{ version }",
      extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
    }),
  });
  const response = await within(handler(request), 5_000, "the answer");
  await expectResponse(response, 200, GRAPHQL_JSON, { data: { version: "1.0" } });
  assert.deepEqual(kept, [hash]);
  assert.deepEqual(logs.map((l) => l.message), [
    `Persisted query store did not keep ${hash}: it did not answer within the request's time ` +
    "limit",
  ]);
});

Deno.test("graphqlHandler's time limits past setTimeout's longest delay do not fire early", async () => {
  // setTimeout takes at most 2^31 - 1 ms; a longer delay overflowed and fired after 1 ms.
  const { handler, logs } = handlerWith({ bodyTimeout: 2 ** 31, timeout: 2 ** 40 });
  const late = new ReadableStream<Uint8Array>({
    async start(controller) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      controller.enqueue(encoder.encode(JSON.stringify({ query: "{ version }" })));
      controller.close();
    },
  });
  const request = new Request(URL_, {
    method: "POST",
    headers: { "content-type": "application/json", ...ACCEPT_GRAPHQL },
    body: late,
  });
  await expectResponse(await handler(request), 200, GRAPHQL_JSON, { data: { version: "1.0" } });
  assert.deepEqual(logs, []);
});

Deno.test("graphqlHandler counts a body's bytes when its declared length is wrong", async () => {
  // Deno.serve holds clients to their Content-Length; a Request made in the process is not.
  const { handler } = handlerWith({ maxBodySize: 1_000 });
  const body = encoder.encode(JSON.stringify({ query: "{ version }", pad: "x".repeat(500_000) }));
  let read = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (read >= body.length) return controller.close();
      controller.enqueue(body.slice(read, read + 65_536));
      read += 65_536;
    },
  });
  const request = new Request(URL_, {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": "10", ...ACCEPT_GRAPHQL },
    body: stream,
  });
  await expectResponse(await handler(request), 413, JSON_UTF8, {
    errors: [{ message: "Request body is larger than the maximum of 1000 bytes" }],
  });
  assert.ok(read < body.length, `read ${read} of ${body.length} bytes`);
});

Deno.test("graphqlHandler answers 500, and logs why, for a body read before it got the request", async (t) => {
  const body = JSON.stringify({ query: "{ version }" });
  const request = () =>
    new Request(URL_, {
      method: "POST",
      headers: { "content-type": "application/json", ...ACCEPT_GRAPHQL },
      body,
    });
  const cases: [string, () => Promise<Request>][] = [
    ["read", async () => {
      const used = request();
      await used.text();
      return used;
    }],
    ["locked by a reader", () => {
      const locked = request();
      locked.body!.getReader();
      return Promise.resolve(locked);
    }],
  ];
  for (const [what, make] of cases) {
    await t.step(what, async () => {
      const { handler, logs } = handlerWith();
      await expectResponse(await handler(await make()), 500, JSON_UTF8, {
        errors: [{ message: "Internal server error" }],
      });
      assert.equal(logs.length, 1);
      assert.match(logs[0]!.message, /The request's body was already read/);
    });
  }
});

Deno.test("graphqlHandler's body deadline is 10 s by default, and Infinity turns it off", async (t) => {
  assert.equal(GRAPHQL_HANDLER_LIMITS.bodyTimeout, 10_000);

  await t.step("a body that arrives late is read when the deadline is off", async () => {
    await using server = new TestServer({ bodyTimeout: Infinity });
    await using client = await RawClient.connect(server.port);
    await client.write(postHead(`Content-Length: ${BODY.length}\r\n`) + BODY.slice(0, 5));
    await delay(300);
    await client.write(BODY.slice(5));
    const response = await within(client.response(), 10_000, "the answer");
    assert.equal(response?.status, 200);
    assert.deepEqual(JSON.parse(response.body), { data: { version: "1.0" } });
  });

  await t.step("a body that arrives before the deadline is read", async () => {
    await using server = new TestServer({ bodyTimeout: 5_000 });
    await using client = await RawClient.connect(server.port);
    await client.write(postHead(`Content-Length: ${BODY.length}\r\n`) + BODY.slice(0, 5));
    await delay(100);
    await client.write(BODY.slice(5));
    const response = await within(client.response(), 10_000, "the answer");
    assert.equal(response?.status, 200);
  });
});

Deno.test("graphqlHandler's execution time limit starts when the body has arrived", async (t) => {
  const stalled = JSON.stringify({ query: "{ stalled }" });

  await t.step("a shorter body deadline does not cut execution short", async () => {
    const { handler, logs } = handlerWith({ bodyTimeout: 50, timeout: 400 });
    const started = performance.now();
    const response = await handler(postBytes(encoder.encode(stalled)));
    const elapsed = performance.now() - started;
    await expectResponse(response, 504, GRAPHQL_JSON, {
      errors: [{ message: "Request timed out: execution took longer than 400 ms" }],
    });
    // Timers never fire early: the whole 400 ms ran, not the body's 50.
    assert.ok(elapsed >= 390, `answered after ${elapsed} ms`);
    assert.deepEqual(logs.map((l) => l.message), [
      "Request timed out: execution took longer than 400 ms",
    ]);
  });

  await t.step("a longer body deadline does not make execution wait for it", async () => {
    const { handler } = handlerWith({ bodyTimeout: 60_000, timeout: 50 });
    const response = await within(
      handler(postBytes(encoder.encode(stalled))),
      10_000,
      "the answer",
    );
    await expectResponse(response, 504, GRAPHQL_JSON, {
      errors: [{ message: "Request timed out: execution took longer than 50 ms" }],
    });
  });

  await t.step("over GET, the time limit starts at once", async () => {
    const { handler } = handlerWith({ bodyTimeout: 60_000, timeout: 50 });
    const request = new Request(`${URL_}?query=%7B%20stalled%20%7D`, { headers: ACCEPT_GRAPHQL });
    const response = await within(handler(request), 10_000, "the answer");
    assert.equal(response.status, 504);
    await response.body?.cancel();
  });
});

Deno.test("graphqlHandler checks its bodyTimeout option", () => {
  const cases: [GraphQLHandlerOptions, string][] = [
    [{ bodyTimeout: -1 }, '"bodyTimeout" must be a number at least 0 or Infinity, got -1'],
    [{ bodyTimeout: NaN }, '"bodyTimeout" must be a number at least 0 or Infinity, got NaN'],
    [
      { bodyTimeout: "10s" as unknown as number },
      '"bodyTimeout" must be a number at least 0 or Infinity, got string',
    ],
    [{ bodyTimeout: 0 }, '"bodyTimeout" must be above 0 (Infinity for none), got 0'],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => graphqlHandler(schema, options), {
      name: "RangeError",
      message: `Cannot create the GraphQL handler: ${message}`,
    });
  }
  graphqlHandler(schema, { bodyTimeout: Infinity });
});

// A client that goes away -----------------------------------------------------------------------

Deno.test("graphqlHandler treats a client hanging up mid-body as the client's doing", async (t) => {
  const cases: [string, string, string][] = [
    ["with a Content-Length", `Content-Length: ${BODY.length + 100}\r\n`, BODY],
    ["chunked", "Transfer-Encoding: chunked\r\n", `${BODY.length.toString(16)}\r\n${BODY}\r\n`],
  ];
  for (const [what, headers, partial] of cases) {
    await t.step(`${what}: 499, and nothing logged`, async () => {
      await using server = new TestServer({ bodyTimeout: 60_000 });
      const client = await RawClient.connect(server.port);
      await client.write(postHead(headers) + partial);
      // Let the handler start reading before the client goes.
      while (server.handled.length === 0) await delay(10);
      client.close();
      assert.deepEqual(await server.statuses(), [499]);
      await server.shutdown();
      assert.deepEqual(server.logs, []);
    });
  }

  await t.step("without cancelOnDisconnect too", async () => {
    await using server = new TestServer({ bodyTimeout: 60_000, cancelOnDisconnect: false });
    const client = await RawClient.connect(server.port);
    await client.write(postHead(`Content-Length: ${BODY.length + 100}\r\n`) + BODY);
    while (server.handled.length === 0) await delay(10);
    client.close();
    assert.deepEqual(await server.statuses(), [499]);
    await server.shutdown();
    assert.deepEqual(server.logs, []);
  });
});

// Bytes that are not UTF-8 ----------------------------------------------------------------------

const NOT_UTF8 = (at: number) => ({
  errors: [{ message: `Request body is not valid UTF-8 (at byte ${at}): send JSON in UTF-8` }],
});

const VARIABLES_HEAD = '{"query":"query ($t: String) { echo(text: $t) }","variables":{"t":"a';

Deno.test("graphqlHandler refuses a body that is not valid UTF-8 with 400, running nothing", async (t) => {
  const { handler, logs } = handlerWith();
  const head = '{"query":"{ echo(text: \\"';
  const cases: [string, Uint8Array<ArrayBuffer>, number][] = [
    ["a stray byte in a string literal", concat(head, [0xff], '\\") }"}'), head.length],
    [
      "a stray byte in variables",
      concat(VARIABLES_HEAD, [0xc0], '"}}'),
      VARIABLES_HEAD.length,
    ],
    ["an encoded surrogate", concat(head, [0xed, 0xa0, 0x80], '\\") }"}'), head.length],
    ["an overlong encoding", concat(head, [0xe0, 0x80, 0xaf], '\\") }"}'), head.length],
    ["a sequence cut off at the end", concat('{"query":"{ version }"}', [0xe2, 0x82]), 23],
  ];
  for (const [what, body, at] of cases) {
    await t.step(what, async () => {
      await expectResponse(await handler(postBytes(body)), 400, JSON_UTF8, NOT_UTF8(at));
    });
    await t.step(`${what}, streamed`, async () => {
      const request = new Request(URL_, {
        method: "POST",
        headers: { "content-type": "application/json", ...ACCEPT_GRAPHQL },
        body: streamed(body.subarray(0, 10), body.subarray(10)),
      });
      assert.equal(request.headers.get("content-length"), null);
      await expectResponse(await handler(request), 400, JSON_UTF8, NOT_UTF8(at));
    });
  }

  await t.step("over a real server", async () => {
    await using server = new TestServer();
    const body = cases[0]![1];
    await using client = await RawClient.connect(server.port);
    await client.write(postHead(`Content-Length: ${body.byteLength}\r\n`));
    await client.write(body);
    const response = await within(client.response(), 10_000, "the answer");
    assert.equal(response?.status, 400);
    assert.deepEqual(JSON.parse(response.body), NOT_UTF8(head.length));
  });

  await t.step("and reads UTF-8 text unchanged, U+FFFD included", async () => {
    const text = "é ✓ 🚀 \uFFFD";
    const body = encoder.encode(JSON.stringify({ query: `{ echo(text: "${text}") }` }));
    await expectResponse(await handler(postBytes(body)), 200, GRAPHQL_JSON, {
      data: { echo: text },
    });
  });
  assert.deepEqual(logs, []);
});

Deno.test("graphqlHandler refuses URL parameters that are not valid UTF-8 with 400", async (t) => {
  const { handler, logs } = handlerWith();
  const get = (search: string) => new Request(`${URL_}?${search}`, { headers: ACCEPT_GRAPHQL });
  const cases: [string, string, string][] = [
    ["query", "query=%7B%20echo(text%3A%20%22%FF%22)%20%7D", "query"],
    ["operationName", "query=query%20A%20%7B%20version%20%7D&operationName=A%C3", "operationName"],
    [
      "variables",
      "query=query(%24t%3A%20String)%7Becho(text%3A%24t)%7D&variables=%7B%22t%22%3A%22%ED%A0%80%22%7D",
      "variables",
    ],
    ["extensions", "query=%7Bversion%7D&extensions=%7B%22a%22%3A%22%E2%82%22%7D", "extensions"],
  ];
  for (const [what, search, name] of cases) {
    await t.step(what, async () => {
      await expectResponse(await handler(get(search)), 400, JSON_UTF8, {
        errors: [{
          message: `Request parameter "${name}" is not valid UTF-8 once percent-decoded`,
        }],
      });
    });
  }

  await t.step("but reads an encoded U+FFFD, a stray % and a + as what they are", async () => {
    await expectResponse(
      await handler(get("query=%7B%20echo(text%3A%20%22%EF%BF%BD%20100%+1%22)%20%7D")),
      200,
      GRAPHQL_JSON,
      { data: { echo: "\uFFFD 100% 1" } },
    );
  });
  assert.deepEqual(logs, []);
});

// Long texts in messages ------------------------------------------------------------------------

Deno.test("graphqlHandler quotes at most 64 characters of a client's text in a message", async (t) => {
  const { handler, logs } = handlerWith({ maxBodySize: 2_000_000 });
  const long = "Drop" + "x".repeat(900_000 - 4);
  const quoted = `"Drop${"x".repeat(60)}…" (900000 characters)`;

  await t.step("an unknown operation name of 900 KB, over POST", async () => {
    const body = JSON.stringify({ query: "query A { version }", operationName: long });
    const response = await handler(postBytes(encoder.encode(body)));
    const text = await response.text();
    assert.ok(text.length < 300, `${text.length} characters came back`);
    assert.equal(response.status, 422);
    assert.deepEqual(JSON.parse(text), {
      errors: [{ message: `Unknown operation named ${quoted}.` }],
    });
  });

  await t.step("over a real server", async () => {
    await using server = new TestServer({ maxBodySize: 2_000_000 });
    const response = await fetch(`http://127.0.0.1:${server.port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...ACCEPT_GRAPHQL },
      body: JSON.stringify({ query: "query A { version }", operationName: long }),
    });
    const text = await response.text();
    assert.equal(response.status, 422);
    assert.ok(text.length < 300, `${text.length} characters came back`);
  });

  await t.step("an unknown operation name in a URL", async () => {
    const search = new URLSearchParams({ query: "query A { version }", operationName: long });
    await expectResponse(
      await handler(new Request(`${URL_}?${search}`, { headers: ACCEPT_GRAPHQL })),
      422,
      GRAPHQL_JSON,
      { errors: [{ message: `Unknown operation named ${quoted}.` }] },
    );
  });

  await t.step("a short unknown operation name, whole as before", async () => {
    const body = JSON.stringify({ query: "query A { version }", operationName: "DropTables" });
    await expectResponse(await handler(postBytes(encoder.encode(body))), 422, GRAPHQL_JSON, {
      errors: [{ message: 'Unknown operation named "DropTables".' }],
    });
  });

  await t.step("a document's validation errors come first, as before", async () => {
    const body = JSON.stringify({ query: "query A { nope }", operationName: long });
    await expectResponse(await handler(postBytes(encoder.encode(body))), 422, GRAPHQL_JSON, {
      errors: [{
        message: 'Cannot query field "nope" on type "Query".',
        locations: [{ line: 1, column: 11 }],
      }],
    });
  });

  await t.step("a variable value of 900 KB that graphql-js quotes whole, cut short", async () => {
    const query = "query ($t: Boolean!) { version @include(if: $t) }";
    const body = JSON.stringify({ query, variables: { t: long } });
    const response = await handler(postBytes(encoder.encode(body)));
    const text = await response.text();
    assert.equal(response.status, 422);
    assert.ok(text.length < 1_200, `${text.length} characters came back`);
    const message = (JSON.parse(text) as { errors: { message: string }[] }).errors[0]!.message;
    assert.match(
      message,
      /^Variable "\$t" has invalid value: .+ "Dropx+… \(message cut: \d+ characters\)$/,
    );
  });

  await t.step("a long operation name over the root field limit", async () => {
    const name = "Q".repeat(10_000);
    const query = `query ${name} { a: version b: version }`;
    const body = JSON.stringify({ query });
    const { handler } = handlerWith({ maxRootFields: 1 });
    await expectResponse(await handler(postBytes(encoder.encode(body))), 422, GRAPHQL_JSON, {
      errors: [{
        message: `Operation "${"Q".repeat(64)}…" (10000 characters) selects 2 root fields, ` +
          "more than the maximum of 1",
        locations: [{ line: 1, column: query.indexOf("b:") + 1 }],
      }],
    });
  });

  await t.step("a long Content-Type", async () => {
    const type = "text/" + "x".repeat(10_000);
    await expectResponse(
      await handler(postBytes(encoder.encode(BODY), { "content-type": type })),
      415,
      JSON_UTF8,
      {
        errors: [{
          message: `Content-Type "text/${"x".repeat(59)}…" (10005 characters) is not supported: ` +
            "send the request as application/json (UTF-8)",
        }],
      },
    );
  });

  await t.step("a long method", async () => {
    const method = "M".repeat(10_000);
    await expectResponse(await handler(new Request(URL_, { method })), 405, JSON_UTF8, {
      errors: [{
        message: `Method "${"M".repeat(64)}…" (10000 characters) is not allowed: use GET or POST`,
      }],
    });
  });

  await t.step("a body that is a long JSON string", async () => {
    const body = JSON.stringify("y".repeat(100_000));
    await expectResponse(await handler(postBytes(encoder.encode(body))), 422, JSON_UTF8, {
      errors: [{
        message: 'Request must be a JSON object with a "query" string, got string ' +
          `"${"y".repeat(64)}…" (100000 characters)`,
      }],
    });
  });
  assert.deepEqual(logs, []);
});
