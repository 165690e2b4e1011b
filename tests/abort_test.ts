/**
 * `AbortListener`: how the engine, the Postgres adapters, the worker pool and the HTTP endpoint
 * listen to an abort signal, dropping their callback as soon as they stop listening.
 *
 * @module
 */

import assert from "node:assert/strict";
import { AbortListener } from "../src/base/_abort.ts";

Deno.test("an AbortListener calls its callback once, when the signal aborts", () => {
  const controller = new AbortController();
  let calls = 0;
  new AbortListener(controller.signal, () => calls++);
  assert.equal(calls, 0);
  controller.abort();
  controller.abort();
  assert.equal(calls, 1);
});

Deno.test("a removed AbortListener is not called, and removing it twice or after it fired is harmless", () => {
  const controller = new AbortController();
  let calls = 0;
  const listener = new AbortListener(controller.signal, () => calls++);
  listener.remove();
  listener.remove();
  controller.abort();
  assert.equal(calls, 0);

  const fired = new AbortController();
  const after = new AbortListener(fired.signal, () => calls++);
  fired.abort();
  after.remove();
  assert.equal(calls, 1);
});

Deno.test("an AbortListener leaves the signal's other listeners alone", () => {
  const controller = new AbortController();
  const calls: string[] = [];
  const first = new AbortListener(controller.signal, () => calls.push("first"));
  new AbortListener(controller.signal, () => calls.push("second"));
  controller.signal.addEventListener("abort", () => calls.push("own"));
  first.remove();
  controller.abort();
  assert.deepEqual(calls, ["second", "own"]);
});

Deno.test("a removed AbortListener no longer holds its callback", () => {
  const controller = new AbortController();
  let calls = 0;
  const listener = new AbortListener(controller.signal, () => calls++);
  listener.remove();
  // An array of the signal's that still held the listener would reach only the listener: called
  // anyway, it has no callback left to call.
  listener.handleEvent();
  assert.equal(calls, 0);
});
