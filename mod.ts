/**
 * hiku-ts: graph APIs for Deno in the design of Python's Hiku.
 *
 * Define a graph of nodes, fields and links whose loaders work on whole batches of ids; send it
 * GraphQL (or Hiku's EDN-like syntax, or a query built in code); the engine calls each loader once
 * per node per query path, so N+1 queries cannot happen by construction.
 *
 * @example Characters and their actors
 * ```ts
 * import {
 *   AsyncExecutor, denormalize, Engine, Field, Graph, Int, Link, Node, read, Root, Sequence, Str,
 *   TypeRef,
 * } from "./mod.ts";
 *
 * const characters = new Map([[1, { name: "James T. Kirk" }], [2, { name: "Spock" }]]);
 * const actors = new Map([[1, { name: "William Shatner", character: 1 }], [2, { name: "Leonard Nimoy", character: 2 }]]);
 *
 * const graph = Graph([
 *   Node("Character", [
 *     Field("id", Int, (fields, ids: number[]) => ids.map((id) => fields.map(() => id))),
 *     Field("name", Str, (fields, ids: number[]) => ids.map((id) => [characters.get(id)!.name])),
 *     Link("actors", Sequence(TypeRef("Actor")), (ids: number[]) =>
 *       ids.map((id) => [...actors].filter(([, a]) => a.character === id).map(([actorId]) => actorId)),
 *       { requires: "id" }),
 *   ]),
 *   Node("Actor", [
 *     Field("name", Str, (fields, ids: number[]) => ids.map((id) => [actors.get(id)!.name])),
 *   ]),
 *   Root([
 *     Link("characters", Sequence(TypeRef("Character")), () => [...characters.keys()], { requires: null }),
 *   ]),
 * ]);
 *
 * const engine = new Engine(new AsyncExecutor());
 * const result = await engine.execute(graph, read("{ characters { name actors { name } } }"));
 * console.log(denormalize(graph, result));
 * // { characters: [{ name: "James T. Kirk", actors: [{ name: "William Shatner" }] }, ...] }
 * ```
 *
 * @module
 */

// Graph definitions
export {
  BIND_LINK,
  Field,
  FIELD_TYPE,
  Interface,
  Link,
  Node,
  Nothing,
  Root,
  Union,
} from "./src/definitions/members.ts";
export { Graph, MutationGraph } from "./src/definitions/graph.ts";
export { Option } from "./src/definitions/option.ts";
export type { OptionValue, OptionValues } from "./src/definitions/option.ts";
export { withContext } from "./src/definitions/with_context.ts";
export type {
  ContextFieldLoader,
  ContextLinkLoader,
  ContextMembers,
} from "./src/definitions/with_context.ts";
export { Enum } from "./src/definitions/enum.ts";
export type { EnumInit, EnumValue, EnumValueInit } from "./src/definitions/enum.ts";
export { Scalar } from "./src/definitions/scalar.ts";
export type { ScalarInit } from "./src/definitions/scalar.ts";
export { Input } from "./src/definitions/input.ts";
export type { InputInit } from "./src/definitions/input.ts";
export { Directive } from "./src/definitions/directive.ts";
export type { AppliedDirective } from "./src/definitions/applied_directive.ts";
export type { DirectiveInit, DirectiveLocation } from "./src/definitions/directive.ts";
export type {
  FieldInit,
  FieldLoader,
  Id,
  InterfaceInit,
  LinkAwareLoader,
  LinkBinding,
  LinkCardinality,
  LinkInit,
  LinkLoader,
  LinkLoaderArgs,
  LinkTargetKind,
  Loader,
  Member,
  NodeInit,
  NothingType,
  Requires,
  TypedFieldInit,
  TypedFieldLoader,
  TypedLinkInit,
  TypedLinkLoader,
  TypedLoader,
  TypedQueryField,
  TypeResolver,
  UnionInit,
} from "./src/definitions/members.ts";
export type { GraphInit, NamedTypes } from "./src/definitions/named_types.ts";
export type { OptionInit } from "./src/definitions/option.ts";

// Types
export {
  Any,
  Bool,
  EnumRef,
  Float,
  ID,
  InputRef,
  Int,
  InterfaceRef,
  Mapping,
  Optional,
  Record,
  ScalarRef,
  Sequence,
  Str,
  TypeRef,
  typeToString,
  UnionRef,
} from "./src/definitions/types.ts";
export type {
  BuiltinScalarName,
  EnumRefType,
  GraphType,
  InputRefType,
  InterfaceRefType,
  MappingType,
  OptionalType,
  RecordType,
  ScalarRefType,
  ScalarType,
  SequenceType,
  TypeLike,
  TypeOf,
  TypeRefType,
  UnionRefType,
} from "./src/definitions/types.ts";

// Queries: the AST, readers and the builder
export { merge } from "./src/query/query.ts";
export type {
  QueryDirective,
  QueryField,
  QueryFragment,
  QueryLink,
  QueryNode,
  QueryOptions,
  QuerySelection,
} from "./src/query/query.ts";
export { read, readOperation } from "./src/query/readers/graphql.ts";
export type { Operation, OperationType, ReadOptions } from "./src/query/readers/graphql.ts";
export { readSimple } from "./src/query/readers/simple.ts";
export { build, Q } from "./src/query/builder.ts";
export type {
  BuildOptions,
  FieldHandle,
  LinkHandle,
  QueryBuilder,
  QueryHandle,
} from "./src/query/builder.ts";
export { validate } from "./src/validation/validate.ts";

// Running queries
export { Engine } from "./src/execution/engine.ts";
export type { ExecuteOptions } from "./src/execution/engine.ts";
export { COST_BUDGET_DEFAULTS, CostBudget } from "./src/execution/budget.ts";
export type { CostBudgetInit } from "./src/execution/budget.ts";
export { estimateCost } from "./src/planning/estimate.ts";
export type { CostEstimate, EstimateOptions } from "./src/planning/estimate.ts";
export { ExplainRecorder, formatExplain } from "./src/execution/explain.ts";
export type {
  Explain,
  ExplainBatch,
  ExplainCounter,
  ExplainCounters,
  ExplainLoad,
} from "./src/execution/explain.ts";
export { Metrics } from "./src/execution/metrics.ts";
export type { MetricsOptions, RefusedLimit, RequestResult } from "./src/execution/metrics.ts";
export type { TracerProvider, TracingOption } from "./src/execution/tracing.ts";
export { explainQuery, formatPlanExplain } from "./src/planning/explain_plan.ts";
export type {
  ExplainQueryOptions,
  LoadIdentity,
  PlanExplain,
  PlannedCounter,
  PlannedLoad,
} from "./src/planning/explain_plan.ts";
export { AsyncExecutor } from "./executors/async.ts";
export type { Executor, LoadScope, LoadTask } from "./src/execution/executor.ts";
export { PASS_CONTEXT, passContext, signalOf } from "./src/definitions/context.ts";
export type { Context, ContextFirst, ContextLoader } from "./src/definitions/context.ts";
export { Index, ResultProxy, ResultProxy as Proxy } from "./src/execution/result.ts";
export type { IndexEntry, Reference } from "./src/execution/result.ts";
export {
  denormalize,
  denormalizeGraphQL,
  denormalizeWithErrors,
} from "./src/execution/denormalize.ts";
export type {
  Denormalized,
  DenormalizeOptions,
  PartialResult,
  ResultError,
} from "./src/execution/denormalize.ts";

// GraphQL schema
export { Schema } from "./src/graphql/schema.ts";
export type {
  CacheStats,
  GraphQLRequest,
  GraphQLResponse,
  GraphQLResponseError,
  SchemaInit,
} from "./src/graphql/schema.ts";
export { printGraphSchema } from "./src/graphql/graphql_schema.ts";

// Serving over HTTP
export { GRAPHQL_HANDLER_LIMITS, graphqlHandler } from "./src/http/handler.ts";
export type {
  ContextFactory,
  ExecutableSchema,
  GraphiQLOptions,
  GraphQLHandlerOptions,
} from "./src/http/handler.ts";
export type { CorsOptions } from "./src/http/_cors.ts";
export {
  documentHash,
  MemoryPersistedQueryStore,
  PersistedQueryManifestError,
  RedisPersistedQueryStore,
  TrustedDocuments,
} from "./src/http/_persisted.ts";
export type {
  MemoryPersistedQueryStoreOptions,
  PersistedQueriesOptions,
  PersistedQueryStore,
  RedisCommands,
  RedisPersistedQueryStoreOptions,
} from "./src/http/_persisted.ts";

// Errors
export {
  ContextKeyError,
  CostLimitError,
  ExecutionAbortedError,
  ExecutorError,
  GraphDefinitionError,
  LoaderError,
  LoaderShapeError,
  QueryReadError,
  QuerySyntaxError,
  QueryValidationError,
  SafeError,
} from "./src/base/errors.ts";
export type { SourceLocation, ValidationProblem } from "./src/base/errors.ts";
