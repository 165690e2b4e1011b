/**
 * Graph definition validation: everything that can be wrong in the nodes, root, data types,
 * unions and interfaces given to `Graph()`, found in one pass so that one error lists every
 * problem.
 *
 * Messages follow Hiku's wording where Hiku has one (`Duplicated names found in the "Character"
 * node: "name"`, `Link "Character.actors" points to the missing node "Actr"`), name members as
 * `Node.member` (`root.member` on the root) and options as `Node.member:option`, and suggest
 * close names for unknown ones.
 *
 * @module
 */

import { isPlainObject } from "../base/_objects.ts";
import type { Directive } from "./directive.ts";
import type { Field, Interface, Link, Member, Node, Root, Union } from "./members.ts";
import type { GraphInit, NamedTypes } from "./named_types.ts";
import type { Option } from "./option.ts";
import { type GraphType, isGraphType, type RecordType, typeToString } from "./types.ts";
import { describe, didYouMean, inspect } from "../base/_inspect.ts";
import { checkValue, namedTypesLookup, type TypeLookup } from "./_values.ts";

const RESERVED = 'uses a reserved name: names starting with "__" belong to GraphQL introspection';

const LINK_TYPES = "TypeRef(N), Optional(TypeRef(N)), Sequence(TypeRef(N)), " +
  "Sequence(Optional(TypeRef(N))) or either list in Optional, or the same with UnionRef or " +
  "InterfaceRef";

type NamedKind = "node" | "union" | "interface" | "data type";

/** What the members being checked belong to. */
interface Owner {
  readonly kind: "node" | "root" | "interface";
  /** Prefix of member labels: the node or interface name, or `root`. */
  readonly label: string;
  /** How messages name the owner, e.g. `the "Character" node`. */
  readonly where: string;
}

/** Everything member checks need to know about the graph as a whole. */
interface Context {
  readonly problems: string[];
  readonly nodes: ReadonlySet<string>;
  readonly unions: ReadonlyMap<string, Union>;
  readonly interfaces: ReadonlyMap<string, Interface>;
  readonly dataTypes: ReadonlyMap<string, RecordType>;
  readonly named: NamedTypes;
  readonly lookup: TypeLookup;
}

/**
 * Finds every problem in a graph definition. `Graph()` calls it and throws a
 * `GraphDefinitionError` listing them when there are any.
 *
 * Checked: graph items that are not nodes or roots; duplicate node names; duplicate member names
 * in a node and in the root (all roots combined); members that are not fields or links;
 * duplicate or malformed options; loaders that are not functions; link types that are not link
 * types; links to nodes, unions or interfaces that do not exist; `requires` naming a missing
 * field or a link, or given on the root; field and option types referring to missing data types
 * or to nodes; option defaults that do not fit their types; empty or unknown union members;
 * empty interfaces, unknown implemented interfaces and nodes lacking an interface's members;
 * empty names and names starting with `__`; one name used by two kinds of types.
 *
 * @param items Nodes and roots, as given to `Graph()`.
 * @param init Data types, unions and interfaces, as given to `Graph()`.
 * @returns Every problem, one sentence each, in definition order; empty when the graph is valid.
 * @example
 * ```ts
 * import { validateGraph } from "./_check_graph.ts";
 * import { Field, Node } from "./members.ts";
 * import { Str } from "./types.ts";
 * const load = () => [];
 * validateGraph([Node("Character", [Field("name", Str, load), Field("name", Str, load)])], {});
 * // ['Duplicated names found in the "Character" node: "name"']
 * ```
 */
export function validateGraph(
  items: readonly (Node | Root)[],
  init: GraphInit,
  named: NamedTypes = { enums: new Map(), scalars: new Map(), inputs: new Map(), conflicts: [] },
): string[] {
  const problems: string[] = [];
  for (const name of named.conflicts) {
    problems.push(`Type name "${name}" is used by two different definitions`);
  }
  const nodes: Node[] = [];
  const rootMembers: unknown[] = [];
  const invalid: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (hasKind(item, "node")) nodes.push(item as Node);
    else if (hasKind(item, "root")) {
      for (const member of (item as Root).fields) rootMembers.push(member);
    } else invalid.push(`${describeItem(item)} (item ${i})`);
  }
  if (invalid.length > 0) {
    problems.push(`Graph can not contain these types: ${invalid.join(", ")}`);
  }

  const dataTypes = new Map<string, RecordType>();
  const dataTypesInit = init.dataTypes ?? {};
  for (const name of Object.keys(dataTypesInit)) {
    const type: unknown = dataTypesInit[name];
    if (hasKind(type, "record") && isWellFormed(type as GraphType)) {
      dataTypes.set(name, type as RecordType);
    }
  }
  const nodeNames = new Set<string>();
  for (const node of nodes) if (isName(node.name)) nodeNames.add(node.name);
  const unions = new Map<string, Union>();
  for (const union of init.unions ?? []) {
    if (isName(union.name) && !unions.has(union.name)) unions.set(union.name, union);
  }
  const interfaces = new Map<string, Interface>();
  for (const iface of init.interfaces ?? []) {
    if (isName(iface.name) && !interfaces.has(iface.name)) interfaces.set(iface.name, iface);
  }
  const ctx: Context = {
    problems,
    nodes: nodeNames,
    unions,
    interfaces,
    dataTypes,
    named,
    lookup: namedTypesLookup(dataTypes, named.enums, named.scalars, named.inputs),
  };

  checkMembers(ctx, rootMembers, { kind: "root", label: "root", where: 'the "root" node' });
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (hasKind(item, "node")) checkNode(ctx, item as Node, i);
  }
  const duplicateNodes = duplicates(nodes.map((node) => node.name));
  if (duplicateNodes.length > 0) {
    problems.push(`Duplicated nodes found in the graph: ${quoteAll(duplicateNodes)}`);
  }
  checkDataTypes(ctx, dataTypesInit);
  checkUnions(ctx, init.unions ?? []);
  checkInterfaces(ctx, init.interfaces ?? []);
  checkInputs(ctx);
  checkDirectives(ctx, init.directives ?? []);
  checkTypeNames(ctx, nodes, init);
  return problems;
}

/**
 * Input types' fields, as options are checked: names, types that exist, defaults that fit, and
 * no name twice (GraphQL would take the last, the engine the first).
 */
function checkInputs(ctx: Context): void {
  for (const input of ctx.named.inputs.values()) {
    const owner = `Input "${input.name}"`;
    checkOptionList(ctx, input.fields, {
      notOptions: (items) => `${owner} fields can not contain these types: ${items}`,
      unnamed: (i) => `${owner} field at index ${i} must have a name`,
      label: (name) => `${input.name}.${name}`,
      duplicated: (names) => `Duplicated field names found in ${owner}: ${names}`,
    });
  }
}

/** The directives GraphQL specifies: a graph's own may not take their names. */
const SPECIFIED_DIRECTIVES = new Set(["skip", "include", "deprecated", "specifiedBy", "oneOf"]);

/** Declared directives: names, no name twice or a specified one's, arguments as options. */
function checkDirectives(ctx: Context, directives: readonly Directive[]): void {
  const names: string[] = [];
  for (const directive of directives) {
    if (!isName(directive.name)) {
      ctx.problems.push(`Directive must have a name, got ${inspect(directive.name)}`);
      continue;
    }
    names.push(directive.name);
    if (SPECIFIED_DIRECTIVES.has(directive.name)) {
      ctx.problems.push(
        `Directive "@${directive.name}" has the name of a directive GraphQL specifies`,
      );
    }
    const owner = `Directive "@${directive.name}"`;
    checkOptionList(ctx, directive.args, {
      notOptions: (items) => `${owner} arguments can not contain these types: ${items}`,
      unnamed: (i) => `${owner} argument at index ${i} must have a name`,
      label: (name) => `@${directive.name}(${name}:)`,
      duplicated: (names) => `Duplicated argument names found in ${owner}: ${names}`,
    });
  }
  const twice = duplicates(names);
  if (twice.length > 0) {
    ctx.problems.push(`Duplicated directive names found in the graph: ${quoteAll(twice)}`);
  }
}

function checkNode(ctx: Context, node: Node, index: number): void {
  if (!isName(node.name)) {
    ctx.problems.push(`Node at index ${index} of the graph must have a name`);
    return;
  }
  if (node.name.startsWith("__")) ctx.problems.push(`Node "${node.name}" ${RESERVED}`);
  checkMembers(ctx, node.fields, {
    kind: "node",
    label: node.name,
    where: `the "${node.name}" node`,
  });
  for (const name of node.implements) {
    const iface = ctx.interfaces.get(name);
    if (iface === undefined) {
      ctx.problems.push(
        withHint(
          `Node "${node.name}" implements missing interface "${name}"`,
          didYouMean(name, ctx.interfaces.keys()),
        ),
      );
      continue;
    }
    for (const required of iface.fields) {
      if (!isMember(required) || !isName(required.name)) continue;
      const own = node.fieldsMap.get(required.name);
      if (own === undefined) {
        ctx.problems.push(
          `Node "${node.name}" implements the "${name}" interface but has no ` +
            `"${required.name}" ${required.kind}`,
        );
      } else if (own.kind !== required.kind) {
        ctx.problems.push(
          `Node "${node.name}" implements the "${name}" interface but its "${required.name}" ` +
            `is a ${own.kind}, not a ${required.kind}`,
        );
      }
    }
  }
}

function checkMembers(ctx: Context, members: readonly unknown[], owner: Owner): void {
  const invalid: string[] = [];
  const valid: Member[] = [];
  for (const member of members) {
    if (isMember(member)) valid.push(member);
    else invalid.push(describeItem(member));
  }
  if (invalid.length > 0) {
    const what = owner.kind === "root"
      ? "Root"
      : `${owner.kind === "interface" ? "Interface" : "Node"} "${owner.label}"`;
    ctx.problems.push(`${what} can not contain these types: ${invalid.join(", ")}`);
  }
  const fieldsMap = new Map<string, Member>();
  for (const member of valid) {
    if (isName(member.name) && !fieldsMap.has(member.name)) fieldsMap.set(member.name, member);
  }
  for (let i = 0; i < valid.length; i++) {
    const member = valid[i]!;
    const kind = member.kind === "field" ? "Field" : "Link";
    if (!isName(member.name)) {
      ctx.problems.push(`${kind} at index ${i} in ${owner.where} must have a name`);
      continue;
    }
    const label = `${owner.label}.${member.name}`;
    if (member.name.startsWith("__")) ctx.problems.push(`${kind} "${label}" ${RESERVED}`);
    if (owner.kind !== "interface" && typeof member.loader !== "function") {
      ctx.problems.push(
        `${kind} "${label}" loader must be a function, got ${describe(member.loader)}`,
      );
    }
    checkOptions(ctx, member, label);
    if (member.kind === "field") checkFieldType(ctx, member, label);
    else checkLink(ctx, member, label, owner, fieldsMap);
  }
  const names = duplicates(valid.map((member) => member.name));
  if (names.length > 0) {
    ctx.problems.push(`Duplicated names found in ${owner.where}: ${quoteAll(names)}`);
  }
}

function checkFieldType(ctx: Context, field: Field, label: string): void {
  const type: unknown = field.type;
  if (type === null) return;
  if (!isGraphType(type) || !isWellFormed(type)) {
    ctx.problems.push(`Field "${label}" type must be a type or null, got ${inspect(type)}`);
    return;
  }
  checkRefs(
    ctx,
    type,
    `Field "${label}" type`,
    (kind) => `fields can not point to ${kind}s, use a Link`,
  );
}

function checkLink(
  ctx: Context,
  link: Link,
  label: string,
  owner: Owner,
  fieldsMap: ReadonlyMap<string, Member>,
): void {
  const type: unknown = link.type;
  if (!isGraphType(type) || !isWellFormed(type) || link.cardinality === null) {
    const got = isGraphType(type) && isWellFormed(type) ? typeToString(type) : inspect(type);
    ctx.problems.push(`Link "${label}" type must be a link type (${LINK_TYPES}), got ${got}`);
  } else {
    checkLinkTarget(ctx, link, label);
  }
  if (owner.kind === "interface") return;
  const requires: unknown = link.requires;
  if (requires === null) return;
  if (owner.kind === "root") {
    const names = Array.isArray(requires) ? requires : [requires];
    ctx.problems.push(
      `Link "${label}" requires ${names.map((n) => inspect(n)).join(", ")}, but root links ` +
        "can not require fields: use requires: null",
    );
    return;
  }
  const names = typeof requires === "string" ? [requires] : requires;
  if (!Array.isArray(names) || !names.every((name) => typeof name === "string")) {
    ctx.problems.push(
      `Link "${label}" requires must be a field name, a list of field names or null, got ` +
        inspect(requires),
    );
    return;
  }
  if (names.length === 0) {
    ctx.problems.push(`Link "${label}" requires an empty list of fields: use requires: null`);
    return;
  }
  for (const name of names as string[]) {
    const required = fieldsMap.get(name);
    if (required === undefined) {
      const fieldNames: string[] = [];
      for (const [key, member] of fieldsMap) if (member.kind === "field") fieldNames.push(key);
      ctx.problems.push(
        withHint(
          `Link "${label}" requires missing field "${name}"`,
          didYouMean(name, fieldNames),
        ),
      );
    } else if (required.kind === "link") {
      ctx.problems.push(
        `Link "${label}" requires "${name}", which is a link, not a field`,
      );
    }
  }
}

function checkLinkTarget(ctx: Context, link: Link, label: string): void {
  const wanted: NamedKind = link.targetKind === "node"
    ? "node"
    : link.targetKind === "union"
    ? "union"
    : "interface";
  const target = link.target;
  const known = wanted === "node"
    ? ctx.nodes.has(target)
    : wanted === "union"
    ? ctx.unions.has(target)
    : ctx.interfaces.has(target);
  if (known) return;
  const base = `Link "${label}" points to the missing ${wanted} "${target}"`;
  const actual = kindOf(ctx, target);
  if (actual === null) {
    ctx.problems.push(withHint(base, didYouMean(target, namesOf(ctx, wanted))));
  } else if (actual === "data type") {
    ctx.problems.push(`${base}: "${target}" is a data type, use a Field`);
  } else {
    const ref = actual === "node" ? "TypeRef" : actual === "union" ? "UnionRef" : "InterfaceRef";
    ctx.problems.push(`${base}: "${target}" is ${article(actual)}, use ${ref}("${target}")`);
  }
}

function checkOptions(ctx: Context, member: Member, label: string): void {
  const kind = member.kind;
  checkOptionList(ctx, member.options, {
    notOptions: (items) =>
      `${kind === "field" ? "Field" : "Link"} "${label}" options can not contain these types: ` +
      items,
    unnamed: (i) => `Option at index ${i} of the "${label}" ${kind} must have a name`,
    label: (name) => `${label}:${name}`,
    duplicated: (names) => `Duplicated option names found in the "${label}" ${kind}: ${names}`,
  });
}

/** How {@linkcode checkOptionList} words its problems for one owner of options. */
interface OptionListWords {
  readonly notOptions: (items: string) => string;
  readonly unnamed: (index: number) => string;
  /** An option's label in its own messages. */
  readonly label: (name: string) => string;
  readonly duplicated: (names: string) => string;
}

/**
 * A list of options (a field's or link's, an input type's fields, a directive's arguments):
 * each an `Option` with a name, not a reserved one, a type that exists and a default that fits
 * it, and no name twice.
 */
function checkOptionList(ctx: Context, list: readonly unknown[], words: OptionListWords): void {
  const invalid: string[] = [];
  const options: Option[] = [];
  for (const option of list) {
    if (hasKind(option, "option")) options.push(option as Option);
    else invalid.push(describeItem(option));
  }
  if (invalid.length > 0) ctx.problems.push(words.notOptions(invalid.join(", ")));
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!;
    if (!isName(option.name)) {
      ctx.problems.push(words.unnamed(i));
      continue;
    }
    const optionLabel = words.label(option.name);
    if (option.name.startsWith("__")) ctx.problems.push(`Option "${optionLabel}" ${RESERVED}`);
    checkOption(ctx, option, optionLabel);
  }
  const names = duplicates(options.map((option) => option.name));
  if (names.length > 0) ctx.problems.push(words.duplicated(quoteAll(names)));
}

function checkOption(ctx: Context, option: Option, label: string): void {
  const type: unknown = option.type;
  if (!isGraphType(type) || !isWellFormed(type)) {
    ctx.problems.push(`Option "${label}" type must be a type, got ${inspect(type)}`);
    return;
  }
  const before = ctx.problems.length;
  checkRefs(ctx, type, `Option "${label}" type`, () => "options can only hold values");
  if (ctx.problems.length > before || !option.hasDefault) return;
  const problem = checkValue(type, option.default, ctx.lookup);
  if (problem !== null) {
    ctx.problems.push(
      `Option "${label}" default ${inspect(option.default)} does not fit ${typeToString(type)}: ` +
        problem,
    );
    return;
  }
  // Defaults are written as query values (introspection and the SDL print them as such).
  const unwritable = notQueryValue(option.default, 0);
  if (unwritable !== null) {
    ctx.problems.push(
      `Option "${label}" default ${inspect(option.default)} is not a value a query can write: ` +
        unwritable,
    );
  }
}

/**
 * Why a value is not one a query can write (null, a boolean, a finite number, a string, lists
 * and plain objects of them), or `null` when it is one.
 */
function notQueryValue(value: unknown, depth: number): string | null {
  // An integer beyond 2^53 is a bigint, as both readers read one; `undefined` is a default left
  // unsaid (the SDL prints null).
  switch (typeof value) {
    case "string":
    case "boolean":
    case "bigint":
    case "undefined":
      return null;
    case "number":
      return Number.isFinite(value) ? null : `${value} is not a finite number`;
    case "object":
      if (value === null) return null;
      break;
    default:
      return `a ${typeof value} is not a query value`;
  }
  if (depth >= MAX_DEFAULT_DEPTH) return `it nests deeper than ${MAX_DEFAULT_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (const item of value) {
      const why = notQueryValue(item, depth + 1);
      if (why !== null) return why;
    }
    return null;
  }
  if (!isPlainObject(value)) return `${inspect(value)} is not a plain object`;
  const record = value;
  for (const key of Object.keys(record)) {
    const why = notQueryValue(record[key], depth + 1);
    if (why !== null) return why;
  }
  return null;
}

const MAX_DEFAULT_DEPTH = 64;

function checkDataTypes(
  ctx: Context,
  dataTypes: { readonly [name: string]: RecordType },
): void {
  for (const name of Object.keys(dataTypes)) {
    const type: unknown = dataTypes[name];
    if (name === "") ctx.problems.push("Data type must have a name");
    else if (name.startsWith("__")) ctx.problems.push(`Data type "${name}" ${RESERVED}`);
    if (!hasKind(type, "record") || !isWellFormed(type as GraphType)) {
      const got = isGraphType(type) && isWellFormed(type) ? typeToString(type) : inspect(type);
      ctx.problems.push(`Data type "${name}" must be a Record, got ${got}`);
      continue;
    }
    checkRefs(
      ctx,
      type as RecordType,
      `Data type "${name}"`,
      () => "data types can only hold values",
    );
  }
}

function checkUnions(ctx: Context, unions: readonly Union[]): void {
  for (const union of unions) {
    if (!isName(union.name)) ctx.problems.push("Union must have a name");
    else if (union.name.startsWith("__")) ctx.problems.push(`Union "${union.name}" ${RESERVED}`);
    const label = isName(union.name) ? `Union "${union.name}"` : "Union";
    if (union.types.length === 0) ctx.problems.push(`${label} must have at least one type`);
    for (const name of union.types) {
      if (ctx.nodes.has(name)) continue;
      const base = `${label} includes the missing node "${name}"`;
      const actual = kindOf(ctx, name);
      ctx.problems.push(
        actual === null
          ? withHint(base, didYouMean(name, ctx.nodes))
          : `${base}: "${name}" is ${article(actual)}`,
      );
    }
    if (typeof union.resolveType !== "function") {
      ctx.problems.push(
        `${label} resolveType must be a function, got ${describe(union.resolveType)}`,
      );
    }
  }
  const names = duplicates(unions.map((union) => union.name));
  if (names.length > 0) {
    ctx.problems.push(`Duplicated unions found in the graph: ${quoteAll(names)}`);
  }
}

function checkInterfaces(ctx: Context, interfaces: readonly Interface[]): void {
  for (const iface of interfaces) {
    if (!isName(iface.name)) ctx.problems.push("Interface must have a name");
    else if (iface.name.startsWith("__")) {
      ctx.problems.push(`Interface "${iface.name}" ${RESERVED}`);
    }
    const name = isName(iface.name) ? iface.name : "";
    if (iface.fields.length === 0) {
      ctx.problems.push(`Interface "${name}" must have at least one field`);
    }
    checkMembers(ctx, iface.fields, {
      kind: "interface",
      label: name,
      where: `the "${name}" interface`,
    });
    if (typeof iface.resolveType !== "function") {
      ctx.problems.push(
        `Interface "${name}" resolveType must be a function, got ${describe(iface.resolveType)}`,
      );
    }
  }
  const names = duplicates(interfaces.map((iface) => iface.name));
  if (names.length > 0) {
    ctx.problems.push(`Duplicated interfaces found in the graph: ${quoteAll(names)}`);
  }
}

function checkTypeNames(ctx: Context, nodes: readonly Node[], init: GraphInit): void {
  const kinds = new Map<string, NamedKind[]>();
  const add = (name: unknown, kind: NamedKind): void => {
    if (!isName(name)) return;
    const list = kinds.get(name);
    if (list === undefined) kinds.set(name, [kind]);
    else if (!list.includes(kind)) list.push(kind);
  };
  for (const node of nodes) add(node.name, "node");
  for (const union of init.unions ?? []) add(union.name, "union");
  for (const iface of init.interfaces ?? []) add(iface.name, "interface");
  for (const name of Object.keys(init.dataTypes ?? {})) add(name, "data type");
  for (const [name, list] of kinds) {
    if (list.length < 2) continue;
    ctx.problems.push(`Type name "${name}" is used by ${orList(list.map(article), "and")}`);
  }
}

/** Reports references to missing data types, and to nodes, unions or interfaces, in a type. */
function checkRefs(
  ctx: Context,
  type: GraphType,
  subject: string,
  advice: (kind: "node" | "union" | "interface") => string,
): void {
  const reported = new Set<string>();
  const report = (message: string): void => {
    if (reported.has(message)) return;
    reported.add(message);
    ctx.problems.push(message);
  };
  const walk = (t: GraphType): void => {
    switch (t.kind) {
      case "optional":
      case "sequence":
        walk(t.type);
        return;
      case "mapping":
        walk(t.key);
        walk(t.value);
        return;
      case "record":
        for (const name of Object.keys(t.fields)) walk(t.fields[name]!);
        return;
      case "ref": {
        if (ctx.dataTypes.has(t.name)) return;
        const actual = kindOf(ctx, t.name);
        if (actual === null || actual === "data type") {
          report(
            withHint(
              `${subject} refers to the missing data type "${t.name}"`,
              didYouMean(t.name, ctx.dataTypes.keys()),
            ),
          );
        } else {
          report(`${subject} refers to the ${actual} "${t.name}": ${advice(actual)}`);
        }
        return;
      }
      case "unionRef":
        report(`${subject} refers to the union "${t.name}": ${advice("union")}`);
        return;
      case "interfaceRef":
        report(`${subject} refers to the interface "${t.name}": ${advice("interface")}`);
        return;
      case "enumRef":
        if (!ctx.named.enums.has(t.name)) {
          report(withHint(
            `${subject} refers to the missing enum "${t.name}"`,
            didYouMean(t.name, ctx.named.enums.keys()),
          ));
        }
        return;
      case "scalarRef":
        if (!ctx.named.scalars.has(t.name)) {
          report(withHint(
            `${subject} refers to the missing scalar "${t.name}"`,
            didYouMean(t.name, ctx.named.scalars.keys()),
          ));
        }
        return;
      case "inputRef":
        if (!ctx.named.inputs.has(t.name)) {
          report(withHint(
            `${subject} refers to the missing input type "${t.name}"`,
            didYouMean(t.name, ctx.named.inputs.keys()),
          ));
        }
        return;
      default:
        return;
    }
  };
  walk(type);
}

function kindOf(ctx: Context, name: string): NamedKind | null {
  if (ctx.nodes.has(name)) return "node";
  if (ctx.unions.has(name)) return "union";
  if (ctx.interfaces.has(name)) return "interface";
  if (ctx.dataTypes.has(name)) return "data type";
  return null;
}

function namesOf(ctx: Context, kind: NamedKind): Iterable<string> {
  switch (kind) {
    case "node":
      return ctx.nodes;
    case "union":
      return ctx.unions.keys();
    case "interface":
      return ctx.interfaces.keys();
    case "data type":
      return ctx.dataTypes.keys();
  }
}

/** Whether a type is built only of known type kinds, all the way down. */
function isWellFormed(type: GraphType): boolean {
  if (!isGraphType(type)) return false;
  switch (type.kind) {
    case "optional":
    case "sequence":
      return isWellFormed(type.type);
    case "mapping":
      return isWellFormed(type.key) && isWellFormed(type.value);
    case "record": {
      if (typeof type.fields !== "object" || type.fields === null) return false;
      for (const name of Object.keys(type.fields)) {
        if (!isWellFormed(type.fields[name]!)) return false;
      }
      return true;
    }
    default:
      return typeof type.name === "string";
  }
}

function isMember(value: unknown): value is Member {
  return hasKind(value, "field") || hasKind(value, "link");
}

function hasKind(value: unknown, kind: string): boolean {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === kind;
}

function isName(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

const KIND_TITLES: { readonly [kind: string]: string } = {
  node: "Node",
  root: "Root",
  field: "Field",
  link: "Link",
  option: "Option",
  union: "Union",
  interface: "Interface",
};

/** Names a misplaced item: `Field "name"` for definitions, `type Int` for types, else its value. */
function describeItem(value: unknown): string {
  if (typeof value === "object" && value !== null) {
    const { kind, name } = value as { kind?: unknown; name?: unknown };
    if (typeof kind === "string" && Object.hasOwn(KIND_TITLES, kind)) {
      return typeof name === "string" ? `${KIND_TITLES[kind]} "${name}"` : KIND_TITLES[kind]!;
    }
    if (isGraphType(value) && isWellFormed(value)) return `type ${typeToString(value)}`;
  }
  return describe(value);
}

function duplicates(names: readonly unknown[]): string[] {
  const seen = new Set<string>();
  const out = new Set<string>();
  for (const name of names) {
    if (!isName(name)) continue;
    if (seen.has(name)) out.add(name);
    seen.add(name);
  }
  return [...out];
}

function article(kind: NamedKind): string {
  return kind === "interface" ? "an interface" : `a ${kind}`;
}

function orList(items: readonly string[], word: string): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${word} ${items[items.length - 1]}`;
}

function quoteAll(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(", ");
}

function withHint(message: string, hint: string): string {
  return hint === "" ? message : `${message}.${hint}`;
}
