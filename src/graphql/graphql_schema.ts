/**
 * The GraphQL type system of a graph: {@linkcode buildGraphQLSchema} turns a query graph (and an
 * optional mutation graph) into a graphql-js `GraphQLSchema`, the one source of truth for
 * document validation, introspection and the SDL export ({@linkcode printGraphSchema}).
 *
 * Type mapping:
 * - `Int`, `Float`, `Str`, `Bool`, `ID` are GraphQL's built-in scalars; `Any`, `Mapping(...)` and
 *   fields declared with a `null` type are the custom scalar `Any` (declared only when used);
 * - a value is non-null unless its type is `Optional(...)` (and a `null` type is nullable), as
 *   the engine's null propagation assumes: links `TypeRef` → `T!`, `Optional(TypeRef)` → `T`,
 *   `Sequence(TypeRef)` → `[T!]!`, `Sequence(Optional(TypeRef))` → `[T]!`;
 * - options are arguments, typed the same way (an option with a default keeps a non-null type,
 *   and shows its default), except that an `Any` option is nullable, as the engine takes `null`
 *   for it;
 * - nodes are object types; the roots are `Query` and `Mutation`; unions, interfaces, enums,
 *   custom scalars (with `@specifiedBy`) and input types keep their names;
 * - a named data type `TypeRef("Appearance")` is the object type `Appearance` in fields and the
 *   input object type `IOAppearance` in options (as Hiku names it);
 * - an inline `Record({...})` is an object type named after where it is declared,
 *   `<Owner>_<field>` (`Character_bio`; a record nested in it is `Character_bio_<field>`), and
 *   `IO<Owner>_<field>_<option>` in options.
 *
 * Enum values are their names on the GraphQL side (the engine parses names into loader values
 * itself), and custom scalars only check values here, with the scalar's own `parse`, leaving
 * them as they were given for the engine to parse.
 *
 * @module
 */

import {
  type ConstValueNode,
  GraphQLDirective,
  type GraphQLDirectiveConfig,
  GraphQLEnumType,
  type GraphQLEnumValueConfigMap,
  GraphQLError,
  type GraphQLFieldConfigMap,
  type GraphQLInputFieldConfigMap,
  GraphQLInputObjectType,
  type GraphQLInputType,
  GraphQLInterfaceType,
  GraphQLList,
  type GraphQLNamedType,
  GraphQLNonNull,
  type GraphQLNullableInputType,
  type GraphQLNullableOutputType,
  GraphQLObjectType,
  type GraphQLOutputType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLUnionType,
  printSchema,
  specifiedDirectives,
  validateSchema,
  valueFromASTUntyped,
} from "npm:graphql@17.1.0";
import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLString,
} from "npm:graphql@17.1.0";
import type { Directive } from "../definitions/directive.ts";
import type { Enum } from "../definitions/enum.ts";
import { GraphDefinitionError, inspectableThrown, SafeError } from "../base/errors.ts";
import type { Graph } from "../definitions/graph.ts";
import type { Member, Node, Union } from "../definitions/members.ts";
import type { Option } from "../definitions/option.ts";
import type { Scalar } from "../definitions/scalar.ts";
import type { GraphType, RecordType } from "../definitions/types.ts";

/** The name of the query root type. */
export const QUERY_TYPE_NAME = "Query";
/** The name of the mutation root type. */
export const MUTATION_TYPE_NAME = "Mutation";
/** The name of the scalar for `Any`, `Mapping` and untyped fields. */
const ANY_TYPE_NAME = "Any";
/** The prefix of input object types made from data types and inline records (as in Hiku). */
const INPUT_PREFIX = "IO";

const NAME_RE = /^[_A-Za-z][_0-9A-Za-z]*$/;

/**
 * Builds the graphql-js schema of a query graph and an optional mutation graph. Nodes and named
 * types come from the query graph (and from the mutation graph, for the ones only it has); the
 * mutation graph's root is the `Mutation` type.
 *
 * @param query The query graph.
 * @param mutation The mutation graph (e.g. `MutationGraph(query, Root([...]))`), if any.
 * @returns A valid `GraphQLSchema` (it has no resolvers: hiku-ts executes the data itself).
 * @throws {GraphDefinitionError} When the graphs cannot be a GraphQL schema: names that are not
 *   GraphQL names, a node with no fields, an empty root, generated type names that clash, a node
 *   that does not implement its interface's fields, and the other rules of the GraphQL type
 *   system (every problem is listed).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildGraphQLSchema } from "./graphql_schema.ts";
 * import { Field, Root } from "../definitions/members.ts";
 * import { Graph } from "../definitions/graph.ts";
 * import { Str } from "../definitions/types.ts";
 * const hello = (fields: unknown[]) => fields.map(() => "world");
 * const graph = Graph([Root([Field("hello", Str, hello)])]);
 * assert.equal(buildGraphQLSchema(graph).getQueryType()?.name, "Query");
 * ```
 */
export function buildGraphQLSchema(query: Graph, mutation: Graph | null = null): GraphQLSchema {
  const names = checkNames(query, mutation);
  if (names.length > 0) throw new GraphDefinitionError(names);
  let schema: GraphQLSchema;
  try {
    schema = new SchemaBuilder(query, mutation).build();
  } catch (error) {
    if (error instanceof GraphDefinitionError) throw error;
    throw new GraphDefinitionError([error instanceof Error ? error.message : String(error)]);
  }
  let problems: readonly { readonly message: string }[];
  try {
    problems = validateSchema(schema);
  } catch (error) {
    // graphql-js builds some parts lazily, and throws when it does.
    throw new GraphDefinitionError([error instanceof Error ? error.message : String(error)]);
  }
  if (problems.length > 0) throw new GraphDefinitionError(problems.map((p) => p.message));
  return schema;
}

/**
 * Prints the GraphQL schema of a query graph and an optional mutation graph as SDL, the way
 * graphql-js's `printSchema` does (built-in scalars and directives left out). Its output equals
 * `printSchema(buildClientSchema(introspection))` of the same schema's introspection.
 *
 * @param query The query graph.
 * @param mutation The mutation graph, if any.
 * @returns The SDL text.
 * @throws {GraphDefinitionError} As {@linkcode buildGraphQLSchema} does.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { printGraphSchema } from "./graphql_schema.ts";
 * import { Field, Root } from "../definitions/members.ts";
 * import { Graph } from "../definitions/graph.ts";
 * import { Str } from "../definitions/types.ts";
 * const hello = (fields: unknown[]) => fields.map(() => "world");
 * const graph = Graph([Root([Field("hello", Str, hello)])]);
 * assert.equal(printGraphSchema(graph), "type Query {\n  hello: String!\n}");
 * ```
 */
export function printGraphSchema(query: Graph, mutation: Graph | null = null): string {
  return printSchema(buildGraphQLSchema(query, mutation));
}

/** Where a type is written: a field (or option) of an owner type, for names and messages. */
interface Where {
  /** The owner type's name (for an option: `<Owner>_<field>`). */
  readonly owner: string;
  /** The field's (or option's) name. */
  readonly field: string;
}

/** The name of an inline record written at a place: `<Owner>_<field>`. */
function generatedName(at: Where): string {
  return `${at.owner}_${at.field}`;
}

/** A place in messages: `"<Owner>.<field>"`. */
function label(at: Where): string {
  return `"${at.owner}.${at.field}"`;
}

class SchemaBuilder {
  readonly #query: Graph;
  readonly #mutation: Graph | null;
  readonly #nodes = new Map<string, Node>();
  readonly #byName = new Map<string, GraphQLNamedType>();
  readonly #objectFields = new Map<string, GraphQLFieldConfigMap<unknown, unknown>>();
  readonly #inputFields = new Map<string, GraphQLInputFieldConfigMap>();
  /** Types in the order they are printed: each owner followed by its inline records. */
  readonly #order: GraphQLNamedType[] = [];
  readonly #generatedInputs: GraphQLNamedType[] = [];
  #any: GraphQLScalarType | null = null;

  constructor(query: Graph, mutation: Graph | null) {
    this.#query = query;
    this.#mutation = mutation;
    for (const node of query.nodes) this.#nodes.set(node.name, node);
    for (const node of mutation?.nodes ?? []) {
      if (!this.#nodes.has(node.name)) this.#nodes.set(node.name, node);
    }
  }

  build(): GraphQLSchema {
    this.#object(QUERY_TYPE_NAME, null, []);
    const mutationRoot = this.#mutation === null
      ? null
      : this.#object(MUTATION_TYPE_NAME, null, []);
    for (const node of this.#nodes.values()) {
      this.#object(node.name, node.description, node.implements);
    }
    const interfaces = this.#collect((g) => g.interfacesMap);
    const unions = this.#collect((g) => g.unionsMap);
    const dataTypes = this.#collect((g) => g.dataTypes);
    const enums = this.#collect((g) => g.enumsMap);
    const scalars = this.#collect((g) => g.scalarsMap);
    const inputs = this.#collect((g) => g.inputsMap);
    for (const iface of interfaces.values()) {
      this.#register(
        new GraphQLInterfaceType({
          name: iface.name,
          description: iface.description,
          fields: () => this.#objectFields.get(iface.name)!,
        }),
      );
    }
    for (const union of unions.values()) this.#register(this.#union(union));
    for (const name of dataTypes.keys()) this.#object(name, null, []);
    for (const definition of enums.values()) this.#register(enumType(definition));
    for (const scalar of scalars.values()) this.#register(scalarType(scalar));
    for (const input of inputs.values()) {
      this.#register(
        new GraphQLInputObjectType({
          name: input.name,
          description: input.description,
          fields: () => this.#inputFields.get(input.name)!,
        }),
      );
    }

    // Field maps, in print order; inline records are printed right after their owner.
    this.#emitObject(QUERY_TYPE_NAME, this.#query.root.fields);
    if (this.#mutation !== null) this.#emitObject(MUTATION_TYPE_NAME, this.#mutation.root.fields);
    for (const node of this.#nodes.values()) this.#emitObject(node.name, node.fields);
    for (const iface of interfaces.values()) this.#emitObject(iface.name, iface.fields);
    for (const union of unions.values()) this.#order.push(this.#byName.get(union.name)!);
    for (const [name, record] of dataTypes) this.#emitRecord(name, record);
    for (const definition of enums.values()) this.#order.push(this.#byName.get(definition.name)!);
    for (const scalar of scalars.values()) this.#order.push(this.#byName.get(scalar.name)!);
    for (const input of inputs.values()) {
      this.#order.push(this.#byName.get(input.name)!);
      this.#inputFields.set(input.name, this.#args(input.fields, input.name));
    }
    const directives = [...specifiedDirectives, ...this.#directives()];
    if (this.#any !== null) this.#order.push(this.#any);
    this.#order.push(...this.#generatedInputs);

    return new GraphQLSchema({
      query: this.#byName.get(QUERY_TYPE_NAME) as GraphQLObjectType,
      mutation: mutationRoot,
      types: this.#order,
      directives,
    });
  }

  #collect<T>(
    pick: (graph: Graph) => ReadonlyMap<string, T>,
  ): Map<string, T> {
    const out = new Map(pick(this.#query));
    if (this.#mutation !== null) {
      for (const [name, value] of pick(this.#mutation)) if (!out.has(name)) out.set(name, value);
    }
    return out;
  }

  #register<T extends GraphQLNamedType>(type: T, what = ""): T {
    if (this.#byName.has(type.name)) {
      throw new GraphDefinitionError([
        `GraphQL type name "${type.name}"${what} is already taken by another type`,
      ]);
    }
    this.#byName.set(type.name, type);
    return type;
  }

  #object(
    name: string,
    description: string | null,
    implemented: readonly string[],
  ): GraphQLObjectType {
    return this.#register(
      new GraphQLObjectType({
        name,
        description,
        fields: () => this.#objectFields.get(name)!,
        interfaces: () =>
          implemented.map((i) => this.#byName.get(i)).filter((i) =>
            i instanceof GraphQLInterfaceType
          ),
      }),
    );
  }

  #union(union: Union): GraphQLUnionType {
    return new GraphQLUnionType({
      name: union.name,
      description: union.description,
      types: () => union.types.map((t) => this.#byName.get(t) as GraphQLObjectType),
    });
  }

  #emitObject(name: string, members: readonly Member[]): void {
    this.#order.push(this.#byName.get(name)!);
    const fields: GraphQLFieldConfigMap<unknown, unknown> = Object.create(null);
    for (const member of members) {
      fields[member.name] = {
        type: this.#output(member.type, { owner: name, field: member.name }),
        description: member.description,
        deprecationReason: member.deprecated,
        args: this.#args(member.options, `${name}_${member.name}`),
      };
    }
    this.#objectFields.set(name, fields);
  }

  #emitRecord(name: string, record: RecordType): void {
    this.#order.push(this.#byName.get(name)!);
    const fields: GraphQLFieldConfigMap<unknown, unknown> = Object.create(null);
    for (const key of Object.keys(record.fields)) {
      fields[key] = { type: this.#output(record.fields[key]!, { owner: name, field: key }) };
    }
    this.#objectFields.set(name, fields);
  }

  /** Arguments of a field or directive, or fields of an input type: options, all of them. */
  #args(options: readonly Option[], owner: string): GraphQLInputFieldConfigMap {
    const args: GraphQLInputFieldConfigMap = Object.create(null);
    for (const option of options) {
      args[option.name] = {
        type: this.#input(option.type, { owner, field: option.name }),
        description: option.description,
        deprecationReason: option.deprecated,
        // Defaults are query values (enum names, scalars as written), as graphql-js expects.
        ...(option.hasDefault ? { default: { value: option.default } } : {}),
      };
    }
    return args;
  }

  #directives(): GraphQLDirective[] {
    const out: GraphQLDirective[] = [];
    const seen = new Set<string>();
    const all: Directive[] = [...this.#query.directives, ...(this.#mutation?.directives ?? [])];
    for (const directive of all) {
      if (seen.has(directive.name)) continue;
      seen.add(directive.name);
      const config: GraphQLDirectiveConfig = {
        name: directive.name,
        description: directive.description,
        locations: directive.locations as GraphQLDirectiveConfig["locations"],
        isRepeatable: directive.repeatable,
        args: this.#args(directive.args, directive.name),
      };
      out.push(new GraphQLDirective(config));
    }
    return out;
  }

  #output(type: GraphType | null, at: Where): GraphQLOutputType {
    if (type === null) return this.#anyScalar();
    if (type.kind === "optional") {
      const inner = this.#output(type.type, at);
      return inner instanceof GraphQLNonNull ? inner.ofType : inner;
    }
    return new GraphQLNonNull(this.#nullableOutput(type, at));
  }

  #nullableOutput(type: GraphType, at: Where): GraphQLNullableOutputType {
    switch (type.kind) {
      case "scalar":
        return builtin(type.name) ?? this.#anyScalar();
      case "sequence":
        return new GraphQLList(this.#output(type.type, at));
      case "mapping":
        return this.#anyScalar();
      case "record":
        return this.#inlineRecord(type, at);
      case "ref":
      case "unionRef":
      case "interfaceRef":
      case "enumRef":
      case "scalarRef":
        return this.#named(type.name) as GraphQLNullableOutputType;
      case "inputRef":
        throw new GraphDefinitionError([
          `Input type "${type.name}" can not be the type of field ${label(at)}`,
        ]);
      case "optional":
        return this.#nullableOutput(type.type, at);
    }
  }

  #inlineRecord(record: RecordType, at: Where): GraphQLObjectType {
    const name = generatedName(at);
    const type = this.#register(
      new GraphQLObjectType({ name, fields: () => this.#objectFields.get(name)! }),
      ` (given to the Record of ${label(at)})`,
    );
    this.#emitRecord(name, record);
    return type;
  }

  #input(type: GraphType, at: Where): GraphQLInputType {
    // Option values are checked as the engine checks them, and `Any` takes null there.
    if (type.kind === "scalar" && type.name === "Any") return this.#anyScalar();
    if (type.kind === "optional") {
      const inner = this.#input(type.type, at);
      return inner instanceof GraphQLNonNull ? inner.ofType : inner;
    }
    return new GraphQLNonNull(this.#nullableInput(type, at));
  }

  #nullableInput(type: GraphType, at: Where): GraphQLNullableInputType {
    switch (type.kind) {
      case "scalar":
        return builtin(type.name) ?? this.#anyScalar();
      case "sequence":
        return new GraphQLList(this.#input(type.type, at));
      case "mapping":
        return this.#anyScalar();
      case "record":
        return this.#inputRecord(
          `${INPUT_PREFIX}${generatedName(at)}`,
          type,
          `the Record of ${label(at)}`,
        );
      case "ref": {
        const record = this.#query.dataTypes.get(type.name) ??
          this.#mutation?.dataTypes.get(type.name);
        if (record === undefined) {
          throw new GraphDefinitionError([
            `Type "${type.name}" of ${label(at)} must be a data type, an enum, a scalar or ` +
            "an input type",
          ]);
        }
        const name = `${INPUT_PREFIX}${type.name}`;
        const seen = this.#byName.get(name);
        return seen instanceof GraphQLInputObjectType
          ? seen
          : this.#inputRecord(name, record, `data type "${type.name}"`);
      }
      case "enumRef":
      case "scalarRef":
      case "inputRef":
        return this.#named(type.name) as GraphQLNullableInputType;
      case "unionRef":
      case "interfaceRef":
        throw new GraphDefinitionError([
          `Type "${type.name}" of ${label(at)} must be a data type, an enum, a scalar or ` +
          "an input type",
        ]);
      case "optional":
        return this.#nullableInput(type.type, at);
    }
  }

  #inputRecord(name: string, record: RecordType, what: string): GraphQLInputObjectType {
    const type = this.#register(
      new GraphQLInputObjectType({ name, fields: () => this.#inputFields.get(name)! }),
      ` (given to the input form of ${what})`,
    );
    this.#generatedInputs.push(type);
    // Registered before its fields are mapped: a data type that refers to itself finds it.
    const fields: GraphQLInputFieldConfigMap = Object.create(null);
    for (const key of Object.keys(record.fields)) {
      fields[key] = {
        type: this.#input(record.fields[key]!, {
          owner: name.slice(INPUT_PREFIX.length),
          field: key,
        }),
      };
    }
    this.#inputFields.set(name, fields);
    return type;
  }

  #named(name: string): GraphQLNamedType {
    const type = this.#byName.get(name);
    if (type === undefined) {
      throw new GraphDefinitionError([`Type "${name}" is not defined in the graph`]);
    }
    return type;
  }

  #anyScalar(): GraphQLScalarType {
    if (this.#any === null) {
      this.#any = this.#register(new GraphQLScalarType({ name: ANY_TYPE_NAME }));
    }
    return this.#any;
  }
}

function builtin(name: string): GraphQLScalarType | null {
  switch (name) {
    case "Int":
      return GraphQLInt;
    case "Float":
      return GraphQLFloat;
    case "String":
      return GraphQLString;
    case "Boolean":
      return GraphQLBoolean;
    case "ID":
      return GraphQLID;
    default:
      return null;
  }
}

function enumType(definition: Enum): GraphQLEnumType {
  const values: GraphQLEnumValueConfigMap = Object.create(null);
  for (const value of definition.values) {
    values[value.name] = {
      value: value.name,
      description: value.description,
      deprecationReason: value.deprecated,
    };
  }
  return new GraphQLEnumType({
    name: definition.name,
    description: definition.description,
    values,
  });
}

function scalarType(scalar: Scalar): GraphQLScalarType {
  // A value the scalar rejects (a TypeError, as `Scalar.parse` documents; a RangeError, a
  // GraphQLError or a SafeError too) is the request's fault: the error says why, and carries no
  // original error, so an HTTP layer shows it to the client as it is. Anything else `parse`
  // throws is the scalar's own failure: the client is told no more than that, and the error goes
  // on as the original error (an HTTP layer masks and logs it).
  const check = (value: unknown, nodes?: ConstValueNode): unknown => {
    try {
      scalar.parse(value);
    } catch (error) {
      const at = nodes === undefined ? {} : { nodes };
      if (
        error instanceof TypeError || error instanceof RangeError ||
        error instanceof GraphQLError || error instanceof SafeError
      ) {
        throw new GraphQLError(error.message, at);
      }
      const original = inspectableThrown(error);
      throw new GraphQLError(`${scalar.name} failed to parse the value`, {
        ...at,
        originalError: original instanceof Error
          ? original
          : new Error(`Scalar ${scalar.name}'s parse threw ${String(original)}`),
      });
    }
    return value;
  };
  return new GraphQLScalarType({
    name: scalar.name,
    description: scalar.description,
    specifiedByURL: scalar.specifiedBy,
    coerceInputValue: (value) => check(value),
    coerceInputLiteral: (node) => check(valueFromASTUntyped(node), node),
  });
}

/** Every name the schema would use that is not a GraphQL name. */
function checkNames(query: Graph, mutation: Graph | null): string[] {
  const problems: string[] = [];
  // `label` names the definition as graph definition errors do: `Node.member`, `Node.member:option`.
  const check = (what: string, name: string, label = name): void => {
    if (!NAME_RE.test(name)) {
      problems.push(
        `${what} "${label}" is not a GraphQL name: ` +
          "use letters, digits and underscores, not starting with a digit",
      );
    }
  };
  const members = (owner: string, list: readonly Member[]): void => {
    for (const member of list) {
      const label = `${owner}.${member.name}`;
      check(member.kind === "field" ? "Field" : "Link", member.name, label);
      for (const option of member.options) check("Option", option.name, `${label}:${option.name}`);
    }
  };
  const graphs = mutation === null ? [query] : [query, mutation];
  const seen = new Set<unknown>();
  const each = <T>(pick: (graph: Graph) => Iterable<T>, visit: (value: T) => void): void => {
    for (const graph of graphs) {
      for (const value of pick(graph)) {
        if (seen.has(value)) continue;
        seen.add(value);
        visit(value);
      }
    }
  };
  members(QUERY_TYPE_NAME, query.root.fields);
  if (mutation !== null) members(MUTATION_TYPE_NAME, mutation.root.fields);
  each((g) => g.nodes, (node) => {
    check("Node", node.name);
    if (node.name === QUERY_TYPE_NAME || node.name === MUTATION_TYPE_NAME) {
      problems.push(`Node "${node.name}" has the name of a root type`);
    }
    members(node.name, node.fields);
  });
  each((g) => g.dataTypes, ([name, record]) => {
    check("Data type", name);
    for (const key of Object.keys(record.fields)) check("Record field", key, `${name}.${key}`);
  });
  each((g) => g.enumsMap.values(), (definition) => {
    check("Enum", definition.name);
    for (const value of definition.values) {
      check("Enum value", value.name, `${definition.name}.${value.name}`);
      if (value.name === "true" || value.name === "false" || value.name === "null") {
        problems.push(
          `Enum value "${definition.name}.${value.name}" cannot be named true, false or null ` +
            "(GraphQL reads those words as other values)",
        );
      }
    }
  });
  each((g) => g.interfacesMap.values(), (iface) => {
    check("Interface", iface.name);
    members(iface.name, iface.fields);
  });
  each((g) => g.unionsMap.values(), (union) => check("Union", union.name));
  each((g) => g.scalarsMap.values(), (scalar) => check("Scalar", scalar.name));
  each((g) => g.inputsMap.values(), (input) => {
    check("Input", input.name);
    for (const field of input.fields) {
      check("Input field", field.name, `${input.name}.${field.name}`);
    }
  });
  each((g) => g.directives, (directive) => {
    check("Directive", directive.name);
    for (const arg of directive.args) {
      check("Option", arg.name, `@${directive.name}(${arg.name}:)`);
    }
  });
  return problems;
}
