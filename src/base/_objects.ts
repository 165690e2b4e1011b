/**
 * Plain-object helpers (internal).
 *
 * @module
 */

/**
 * Sets an own property, even one named `__proto__`, so that a key chosen by a client (an alias,
 * an input field) cannot change an object's prototype.
 *
 * @param target The object.
 * @param key The key.
 * @param value The value.
 */
export function setOwn(target: { [key: string]: unknown }, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}
