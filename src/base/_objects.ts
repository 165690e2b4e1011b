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

/**
 * Whether a value is a plain object (made by `{}`, JSON or `Object.create(null)`), not an array,
 * a class instance or a revoked Proxy.
 *
 * @param value Anything.
 * @returns Whether its prototype is `Object.prototype` or `null`.
 */
export function isPlainObject(value: unknown): value is { readonly [key: string]: unknown } {
  if (typeof value !== "object" || value === null) return false;
  try {
    if (Array.isArray(value)) return false;
    const prototype = Object.getPrototypeOf(value);
    return prototype === Object.prototype || prototype === null;
  } catch {
    // A revoked Proxy.
    return false;
  }
}
