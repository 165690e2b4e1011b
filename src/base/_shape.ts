/**
 * Builds result objects with a fixed set of keys fast, without generating code from strings.
 *
 * Assigning `obj[key] = value` for keys chosen at run time makes one store site see many keys,
 * which is several times slower than an object literal. Here each key set gets its own
 * constructor that stores by keys captured once, so every store site stays on one key and one
 * shape. The constructors' prototype is `Object.prototype`: the objects are plain objects.
 *
 * @module
 */

type Out = { [key: string]: unknown };
type Values = readonly unknown[];

/** Builds one plain object from values given in key order. */
export type ObjectFactory = (values: Values) => Out;

/**
 * Returns a factory for plain objects with the given keys, in that order.
 *
 * @param keys Distinct keys.
 * @returns The factory.
 */
export function objectFactory(keys: readonly string[]): ObjectFactory {
  if (keys.includes("__proto__")) return definingFactory(keys);
  switch (keys.length) {
    case 0:
      return () => ({});
    case 1: {
      const [k0] = keys as [string];
      return plain(function (this: Out, v: Values) {
        this[k0] = v[0];
      });
    }
    case 2: {
      const [k0, k1] = keys as [string, string];
      return plain(function (this: Out, v: Values) {
        this[k0] = v[0];
        this[k1] = v[1];
      });
    }
    case 3: {
      const [k0, k1, k2] = keys as [string, string, string];
      return plain(function (this: Out, v: Values) {
        this[k0] = v[0];
        this[k1] = v[1];
        this[k2] = v[2];
      });
    }
    case 4: {
      const [k0, k1, k2, k3] = keys as [string, string, string, string];
      return plain(function (this: Out, v: Values) {
        this[k0] = v[0];
        this[k1] = v[1];
        this[k2] = v[2];
        this[k3] = v[3];
      });
    }
    case 5: {
      const [k0, k1, k2, k3, k4] = keys as [string, string, string, string, string];
      return plain(function (this: Out, v: Values) {
        this[k0] = v[0];
        this[k1] = v[1];
        this[k2] = v[2];
        this[k3] = v[3];
        this[k4] = v[4];
      });
    }
    case 6: {
      const [k0, k1, k2, k3, k4, k5] = keys as [string, string, string, string, string, string];
      return plain(function (this: Out, v: Values) {
        this[k0] = v[0];
        this[k1] = v[1];
        this[k2] = v[2];
        this[k3] = v[3];
        this[k4] = v[4];
        this[k5] = v[5];
      });
    }
    case 7: {
      const [k0, k1, k2, k3, k4, k5, k6] = keys as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      return plain(function (this: Out, v: Values) {
        this[k0] = v[0];
        this[k1] = v[1];
        this[k2] = v[2];
        this[k3] = v[3];
        this[k4] = v[4];
        this[k5] = v[5];
        this[k6] = v[6];
      });
    }
    case 8: {
      const [k0, k1, k2, k3, k4, k5, k6, k7] = keys as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      return plain(function (this: Out, v: Values) {
        this[k0] = v[0];
        this[k1] = v[1];
        this[k2] = v[2];
        this[k3] = v[3];
        this[k4] = v[4];
        this[k5] = v[5];
        this[k6] = v[6];
        this[k7] = v[7];
      });
    }
    case 9: {
      const [k0, k1, k2, k3, k4, k5, k6, k7, k8] = keys as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      return plain(function (this: Out, v: Values) {
        this[k0] = v[0];
        this[k1] = v[1];
        this[k2] = v[2];
        this[k3] = v[3];
        this[k4] = v[4];
        this[k5] = v[5];
        this[k6] = v[6];
        this[k7] = v[7];
        this[k8] = v[8];
      });
    }
    case 10: {
      const [k0, k1, k2, k3, k4, k5, k6, k7, k8, k9] = keys as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      return plain(function (this: Out, v: Values) {
        this[k0] = v[0];
        this[k1] = v[1];
        this[k2] = v[2];
        this[k3] = v[3];
        this[k4] = v[4];
        this[k5] = v[5];
        this[k6] = v[6];
        this[k7] = v[7];
        this[k8] = v[8];
        this[k9] = v[9];
      });
    }
    case 11: {
      const [k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10] = keys as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      return plain(function (this: Out, v: Values) {
        this[k0] = v[0];
        this[k1] = v[1];
        this[k2] = v[2];
        this[k3] = v[3];
        this[k4] = v[4];
        this[k5] = v[5];
        this[k6] = v[6];
        this[k7] = v[7];
        this[k8] = v[8];
        this[k9] = v[9];
        this[k10] = v[10];
      });
    }
    case 12: {
      const [k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11] = keys as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      return plain(function (this: Out, v: Values) {
        this[k0] = v[0];
        this[k1] = v[1];
        this[k2] = v[2];
        this[k3] = v[3];
        this[k4] = v[4];
        this[k5] = v[5];
        this[k6] = v[6];
        this[k7] = v[7];
        this[k8] = v[8];
        this[k9] = v[9];
        this[k10] = v[10];
        this[k11] = v[11];
      });
    }
    default:
      return storingFactory(keys);
  }
}

function plain(init: (this: Out, v: Values) => void): ObjectFactory {
  init.prototype = Object.prototype;
  const Shape = init as unknown as new (v: Values) => Out;
  return (v) => new Shape(v);
}

function storingFactory(keys: readonly string[]): ObjectFactory {
  return (values) => {
    const out: Out = {};
    for (let k = 0; k < keys.length; k++) out[keys[k]!] = values[k];
    return out;
  };
}

// `__proto__` as a key must become an own property, never the prototype.
function definingFactory(keys: readonly string[]): ObjectFactory {
  return (values) => {
    const out: Out = {};
    for (let k = 0; k < keys.length; k++) {
      Object.defineProperty(out, keys[k]!, {
        value: values[k],
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    return out;
  };
}
