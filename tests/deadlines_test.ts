/**
 * Deadlines (src/http/_deadlines.ts): the one timer the HTTP endpoint keeps for the deadlines of
 * every request in flight.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type Deadline, Deadlines } from "../src/http/_deadlines.ts";

/** A deadline `ms` from now that records when it expired. */
function after(ms: number, expired: string[], name: string): Deadline & { due: number } {
  return {
    deadlinePrevious: null,
    deadlineNext: null,
    due: performance.now() + ms,
    expire() {
      expired.push(name);
    },
  };
}

/** Settles when `deadline` (made by `after`) has expired. */
function expiryOf(deadline: Deadline): Promise<void> {
  return new Promise((resolve) => {
    const expire = deadline.expire.bind(deadline);
    deadline.expire = () => {
      expire();
      resolve();
    };
  });
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

Deno.test("a deadline expires once it has passed, and leaves the list", async () => {
  const deadlines = new Deadlines();
  const expired: string[] = [];
  deadlines.schedule(after(10, expired, "a"));
  assert.equal(deadlines.size, 1);
  await wait(40);
  assert.deepEqual(expired, ["a"]);
  assert.equal(deadlines.size, 0);
});

Deno.test("deadlines expire in their own time, whatever order they were scheduled in", async () => {
  const deadlines = new Deadlines();
  const expired: string[] = [];
  const late = after(300, expired, "late");
  const early = after(10, expired, "early");
  deadlines.schedule(late);
  deadlines.schedule(early);
  await expiryOf(early);
  assert.deepEqual(expired, ["early"]);
  assert.equal(deadlines.size, 1);
  await expiryOf(late);
  assert.deepEqual(expired, ["early", "late"]);
  assert.equal(deadlines.size, 0);
});

Deno.test("a cancelled deadline never expires, and the last one cancelled clears the timer", async () => {
  const deadlines = new Deadlines();
  const expired: string[] = [];
  const a = after(10, expired, "a");
  const b = after(20, expired, "b");
  deadlines.schedule(a);
  deadlines.schedule(b);
  deadlines.cancel(a);
  await wait(50);
  assert.deepEqual(expired, ["b"]);
  const c = after(10, expired, "c");
  deadlines.schedule(c);
  deadlines.cancel(c);
  // No timer is left: the test's sanitizer would report one.
  assert.equal(deadlines.size, 0);
  deadlines.cancel(c);
});

Deno.test("a deadline moved later expires at its new time, not its old one", async () => {
  const deadlines = new Deadlines();
  const expired: string[] = [];
  const a = after(10, expired, "a");
  deadlines.schedule(a);
  a.due = performance.now() + 300;
  deadlines.schedule(a);
  // Past the old time, the timer has fired and found nothing due.
  await wait(60);
  assert.deepEqual(expired, []);
  assert.equal(deadlines.size, 1);
  await expiryOf(a);
  assert.deepEqual(expired, ["a"]);
});

Deno.test("a deadline moved earlier expires at its new time", async () => {
  const deadlines = new Deadlines();
  const expired: string[] = [];
  const a = after(10_000, expired, "a");
  deadlines.schedule(a);
  a.due = performance.now() + 10;
  deadlines.schedule(a);
  await wait(40);
  assert.deepEqual(expired, ["a"]);
});

Deno.test("an expiry may schedule its deadline again", async () => {
  const deadlines = new Deadlines();
  let expiries = 0;
  const again: Deadline & { due: number } = {
    deadlinePrevious: null,
    deadlineNext: null,
    due: performance.now() + 5,
    expire() {
      expiries++;
      if (expiries === 1) {
        this.due = performance.now() + 5;
        deadlines.schedule(this);
      }
    },
  };
  deadlines.schedule(again);
  await wait(60);
  assert.equal(expiries, 2);
  assert.equal(deadlines.size, 0);
});

Deno.test("an expiry that throws keeps neither the others from expiring nor the timer from being set", async () => {
  const deadlines = new Deadlines();
  const expired: string[] = [];
  const due = performance.now() + 5;
  deadlines.schedule({
    deadlinePrevious: null,
    deadlineNext: null,
    due,
    expire() {
      throw new Error("broken expiry");
    },
  });
  deadlines.schedule({
    deadlinePrevious: null,
    deadlineNext: null,
    due,
    expire: () => void expired.push("same time"),
  });
  deadlines.schedule(after(40, expired, "later"));
  // The fired timer's callback throws: caught here as the runtime would report it.
  const reported: unknown[] = [];
  const onError = (event: ErrorEvent) => {
    event.preventDefault();
    reported.push(event.error);
  };
  globalThis.addEventListener("error", onError);
  try {
    await wait(80);
  } finally {
    globalThis.removeEventListener("error", onError);
  }
  assert.deepEqual(expired, ["same time", "later"]);
  assert.equal((reported[0] as Error).message, "broken expiry");
});

Deno.test("a deadline of Infinity is kept but sets no timer", () => {
  const deadlines = new Deadlines();
  const never: Deadline = {
    deadlinePrevious: null,
    deadlineNext: null,
    due: Infinity,
    expire: () => assert.fail("expired"),
  };
  deadlines.schedule(never);
  assert.equal(deadlines.size, 1);
  deadlines.cancel(never);
  assert.equal(deadlines.size, 0);
});

Deno.test("a deadline that leaves the list forgets its neighbours, and the others stay listed", () => {
  const deadlines = new Deadlines();
  const expired: string[] = [];
  const [a, b, c] = [
    after(10_000, expired, "a"),
    after(10_000, expired, "b"),
    after(10_000, expired, "c"),
  ];
  deadlines.schedule(a);
  deadlines.schedule(b);
  deadlines.schedule(c);
  deadlines.schedule(b);
  assert.equal(deadlines.size, 3);
  deadlines.cancel(b);
  assert.equal(b.deadlinePrevious, null);
  assert.equal(b.deadlineNext, null);
  assert.equal(deadlines.size, 2);
  deadlines.cancel(b);
  assert.equal(deadlines.size, 2);
  deadlines.cancel(c);
  deadlines.cancel(a);
  assert.equal(deadlines.size, 0);
  assert.deepEqual(expired, []);
});
