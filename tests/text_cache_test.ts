/**
 * TextCache (src/base/_text_cache.ts), the schema's LRU of query texts: bounded by bytes and by
 * count, least recently used first; entries measured again when they grow; and texts too long
 * for V8 to hash in full kept apart by their whole text.
 *
 * @module
 */

import assert from "node:assert/strict";
import { TextCache } from "../src/base/_text_cache.ts";

/** Values that say how many bytes they take (and may grow). */
interface Sized {
  readonly name: string;
  bytes: number;
}

function cache(maxBytes: number, maxEntries: number): TextCache<Sized> {
  return new TextCache<Sized>(maxBytes, maxEntries, (_text, value) => value.bytes);
}

function sized(name: string, bytes: number): Sized {
  return { name, bytes };
}

/** The texts a cache keeps, of those asked about (reading marks them used: ask last). */
function kept(texts: TextCache<Sized>, asked: readonly string[]): string[] {
  return asked.filter((text) => texts.get(text) !== undefined);
}

Deno.test("TextCache forgets the least recently used entry first when bytes exceed maxBytes", () => {
  const texts = cache(10, 100);
  texts.set("a", sized("a", 4));
  texts.set("b", sized("b", 4));
  assert.equal(texts.get("a")?.name, "a");
  texts.set("c", sized("c", 4));
  assert.equal(texts.size, 2);
  assert.equal(texts.bytes, 8);
  assert.equal(texts.get("b"), undefined);
  assert.deepEqual(kept(texts, ["a", "c"]), ["a", "c"]);
});

Deno.test("TextCache forgets the least recently used entry first when the count exceeds maxEntries", () => {
  const texts = cache(1_000, 2);
  texts.set("a", sized("a", 1));
  texts.set("b", sized("b", 1));
  texts.get("a");
  texts.set("c", sized("c", 1));
  assert.equal(texts.size, 2);
  assert.equal(texts.bytes, 2);
  assert.equal(texts.get("b"), undefined);
  assert.deepEqual(kept(texts, ["a", "c"]), ["a", "c"]);
});

Deno.test("TextCache forgets as many entries as it takes to fit a large one", () => {
  const texts = cache(10, 100);
  texts.set("a", sized("a", 3));
  texts.set("b", sized("b", 3));
  texts.set("c", sized("c", 3));
  texts.set("d", sized("d", 9));
  assert.equal(texts.size, 1);
  assert.equal(texts.bytes, 9);
  assert.deepEqual(kept(texts, ["a", "b", "c", "d"]), ["d"]);
});

Deno.test("TextCache does not keep an entry larger than the whole budget", async (t) => {
  await t.step("nothing else is forgotten for it", () => {
    const texts = cache(10, 100);
    texts.set("a", sized("a", 4));
    texts.set("huge", sized("huge", 11));
    assert.equal(texts.get("huge"), undefined);
    assert.equal(texts.size, 1);
    assert.equal(texts.bytes, 4);
    assert.equal(texts.get("a")?.name, "a");
  });

  await t.step("it replaces, and so drops, an entry of the same text", () => {
    const texts = cache(10, 100);
    texts.set("a", sized("small", 4));
    texts.set("a", sized("huge", 11));
    assert.equal(texts.get("a"), undefined);
    assert.equal(texts.size, 0);
    assert.equal(texts.bytes, 0);
  });

  await t.step("a budget of 0 entries keeps nothing", () => {
    const texts = cache(10, 0);
    texts.set("a", sized("a", 1));
    assert.equal(texts.get("a"), undefined);
    assert.equal(texts.size, 0);
  });
});

Deno.test("TextCache replaces an entry of the same text, counting its bytes once", () => {
  const texts = cache(10, 100);
  texts.set("a", sized("first", 4));
  texts.set("a", sized("second", 6));
  assert.equal(texts.size, 1);
  assert.equal(texts.bytes, 6);
  assert.equal(texts.get("a")?.name, "second");
});

Deno.test("TextCache.remeasure after an entry grew forgets others, least recently used first", async (t) => {
  await t.step("others are forgotten until it fits", () => {
    const texts = cache(10, 100);
    const a = sized("a", 3);
    texts.set("a", a);
    texts.set("b", sized("b", 3));
    texts.set("c", sized("c", 3));
    texts.get("a");
    a.bytes = 6;
    texts.remeasure("a");
    assert.equal(texts.size, 2);
    assert.equal(texts.bytes, 9);
    assert.deepEqual(kept(texts, ["a", "b", "c"]), ["a", "c"]);
  });

  await t.step("an entry grown past the whole budget is forgotten itself", () => {
    const texts = cache(10, 100);
    const a = sized("a", 3);
    texts.set("a", a);
    texts.set("b", sized("b", 3));
    a.bytes = 11;
    texts.remeasure("a");
    assert.equal(texts.size, 1);
    assert.equal(texts.bytes, 3);
    assert.deepEqual(kept(texts, ["a", "b"]), ["b"]);
  });

  await t.step("an entry that shrank frees its bytes", () => {
    const texts = cache(10, 100);
    const a = sized("a", 6);
    texts.set("a", a);
    a.bytes = 2;
    texts.remeasure("a");
    assert.equal(texts.bytes, 2);
  });

  await t.step("a text that is not kept is ignored", () => {
    const texts = cache(10, 100);
    texts.remeasure("nowhere");
    assert.equal(texts.size, 0);
    assert.equal(texts.bytes, 0);
  });
});

Deno.test("TextCache keeps texts longer than 16,383 characters of equal length apart", async (t) => {
  // V8 hashes strings this long by their length alone: all of these would share one hash.
  const base = "x".repeat(100_000);
  const variant = (i: number) =>
    base.slice(0, 50_000) + String.fromCharCode(0x100 + i) +
    base.slice(50_001);
  const texts = new TextCache<number>(Infinity, 1_000, (text) => text.length * 2);

  await t.step("50 of them set, each found as its own value", () => {
    for (let i = 0; i < 50; i++) texts.set(variant(i), i);
    assert.equal(texts.size, 50);
    for (let i = 0; i < 50; i++) assert.equal(texts.get(variant(i)), i, `text ${i}`);
  });

  await t.step("one of the same length that was never set is not found", () => {
    assert.equal(texts.get(variant(50)), undefined);
    assert.equal(texts.get(base), undefined);
  });

  await t.step("replaced in place, and forgotten least recently used first", () => {
    texts.set(variant(7), 700);
    assert.equal(texts.size, 50);
    assert.equal(texts.get(variant(7)), 700);
    const few = new TextCache<number>(Infinity, 3, (text) => text.length * 2);
    for (let i = 0; i < 5; i++) few.set(variant(i), i);
    assert.equal(few.size, 3);
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => few.get(variant(i))), [
      undefined,
      undefined,
      2,
      3,
      4,
    ]);
  });
});
