/**
 * What a graph declares besides its nodes (data types, unions, interfaces, enums, scalars, input
 * types, directives), and the named types found in its definitions.
 *
 * @module
 */

import type { Directive } from "./directive.ts";
import type { Enum } from "./enum.ts";
import type { Input } from "./input.ts";
import type { Interface, Node, Root, Union } from "./members.ts";
import type { Option } from "./option.ts";
import type { Scalar } from "./scalar.ts";
import type { GraphType, RecordType } from "./types.ts";

/** What `Graph` accepts besides its nodes and root. */
export interface GraphInit {
  /** Named record types, usable as `TypeRef(name)` in field and option types. */
  readonly dataTypes?: { readonly [name: string]: RecordType };
  /** Unions of nodes. */
  readonly unions?: readonly Union[];
  /** Interfaces implemented by nodes. */
  readonly interfaces?: readonly Interface[];
  /**
   * Enums. Enums used directly as types of fields and options are found without being listed;
   * list the ones referred to by `EnumRef(name)` only.
   */
  readonly enums?: readonly Enum[];
  /** Custom scalars; like enums, those used directly as types are found without being listed. */
  readonly scalars?: readonly Scalar[];
  /** Input object types; like enums, those used directly as types are found without being listed. */
  readonly inputs?: readonly Input[];
  /** Schema directives clients may write in queries. */
  readonly directives?: readonly Directive[];
}

/** Enums, scalars and input types of a graph, by name: listed ones and those used as types. */
export interface NamedTypes {
  /** Enums by name. */
  readonly enums: Map<string, Enum>;
  /** Custom scalars by name. */
  readonly scalars: Map<string, Scalar>;
  /** Input types by name. */
  readonly inputs: Map<string, Input>;
  /** Names given to two different definitions. */
  readonly conflicts: string[];
}

/**
 * Finds the enums, custom scalars and input types a graph's definitions use, listed or not.
 *
 * @param items Nodes and roots.
 * @param init What the graph declares besides them.
 * @returns The named types by name, and the names given to two different definitions.
 */
export function collectNamedTypes(items: readonly (Node | Root)[], init: GraphInit): NamedTypes {
  const named: NamedTypes = {
    enums: new Map(),
    scalars: new Map(),
    inputs: new Map(),
    conflicts: [],
  };
  const add = <T extends { readonly name: string }>(map: Map<string, T>, value: T): void => {
    const seen = map.get(value.name);
    if (seen === undefined) map.set(value.name, value);
    else if (seen !== value && !named.conflicts.includes(value.name)) {
      named.conflicts.push(value.name);
    }
  };
  const visit = (type: unknown): void => {
    if (typeof type !== "object" || type === null) return;
    const t = type as GraphType & { readonly definition?: string };
    switch (t.kind) {
      case "optional":
      case "sequence":
        return visit(t.type);
      case "mapping":
        visit(t.key);
        return visit(t.value);
      case "record":
        for (const name of Object.keys(t.fields)) visit(t.fields[name]);
        return;
      case "enumRef":
        if (t.definition === "enum") add(named.enums, t as unknown as Enum);
        return;
      case "scalarRef":
        if (t.definition === "scalar") add(named.scalars, t as unknown as Scalar);
        return;
      case "inputRef":
        if (t.definition === "input") {
          const input = t as unknown as Input;
          if (named.inputs.get(input.name) !== input) {
            add(named.inputs, input);
            for (const field of input.fields) visit(field?.type);
          }
        }
        return;
    }
  };
  const visitMembers = (members: readonly unknown[]): void => {
    for (const member of members) {
      if (typeof member !== "object" || member === null) continue;
      const m = member as { readonly type?: unknown; readonly options?: readonly Option[] };
      visit(m.type);
      for (const option of m.options ?? []) visit(option?.type);
    }
  };
  for (const e of init.enums ?? []) add(named.enums, e);
  for (const s of init.scalars ?? []) add(named.scalars, s);
  for (const i of init.inputs ?? []) {
    add(named.inputs, i);
    for (const field of i.fields ?? []) visit(field?.type);
  }
  for (const item of items) {
    if (typeof item === "object" && item !== null && Array.isArray(item.fields)) {
      visitMembers(item.fields);
    }
  }
  for (const iface of init.interfaces ?? []) visitMembers(iface.fields ?? []);
  for (const name of Object.keys(init.dataTypes ?? {})) visit(init.dataTypes![name]);
  for (const directive of init.directives ?? []) {
    for (const arg of directive.args ?? []) visit(arg?.type);
  }
  return named;
}
