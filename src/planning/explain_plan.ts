/**
 * Explain without running: the loads a query would make against a graph, per node and query
 * path, with their loaders, the regions sources would answer with one load, what each load waits
 * for, and the static cost estimate ({@linkcode estimateCost}).
 *
 * The engine plans a linked node only when ids first reach it; explain plans every path the query
 * can take at once, from its shape (each concrete type behind a union or interface included), so
 * it lists loads a run may not make: a link that returns no ids loads nothing below it.
 *
 * @module
 */

import { type FusedInput, fusionOf, statementOf } from "../definitions/fusion.ts";
import { directShape } from "./direct_shape.ts";
import type { Graph } from "../definitions/graph.ts";
import type { QueryNode } from "../query/query.ts";
import { type CostEstimate, estimateCost } from "./estimate.ts";
import { linkOptions, type NodePlan, planQuery, type RegionPlan } from "./plan.ts";
import type { Variables } from "./options.ts";

/** What {@linkcode explainQuery} accepts; every field has a default. */
export interface ExplainQueryOptions {
  /** Variable values, for list sizes given by variables in the estimate. Default `{}`. */
  readonly variables?: { readonly [name: string]: unknown };
  /** Whether sources may answer regions with one load, as the engine's `fusion`. Default `true`. */
  readonly fusion?: boolean;
  /** Units per loader call in the estimate. Default 40 (as `CostBudget`). */
  readonly loadCost?: number;
  /** Items a list link without a declared size is assumed to hold. Default 10. */
  readonly listSize?: number;
  /**
   * The most node plans explained; past it, the plan is cut short and `truncated` is `true`
   * (fragments can describe very many paths). Default 1,000.
   */
  readonly maxNodes?: number;
}

/** What names a load, planned or made: which loader, for which node, where in the query. */
export interface LoadIdentity {
  /** Its number: planned loads in the order the plan is walked, made ones as they started. */
  readonly id: number;
  /** `"fields"` (a field loader), `"link"` (a link loader) or `"fused"` (a region's one load). */
  readonly kind: "fields" | "link" | "fused";
  /** The query path of the node it loads for (`""` for the root). */
  readonly path: string;
  /** The node it loads for; `null` for the root. */
  readonly node: string | null;
  /**
   * What it loads: the fields of its group, or its link; for a fused load, every member of the
   * region as `Node.member` (`Query.member` at the root).
   */
  readonly members: readonly string[];
  /** The loader's name (its function's name); for a fused load, `region <label>`. */
  readonly loader: string;
  /** The fused region's label (`characters > Character`); `null` for other loads. */
  readonly region: string | null;
  /** The statement a fused load sends, when its source says it (never parameter values). */
  readonly statement: string | null;
}

/** A load the query would make. */
export interface PlannedLoad extends LoadIdentity {
  /** The loads it would wait for: the one giving its node ids, or those of required fields. */
  readonly waitsFor: readonly number[];
  /**
   * A fused load whose rows can give the whole response in one pass: the statement a run through
   * `Schema` with a cost budget (as `graphqlHandler` runs it) sends for it, unexplained (its source
   * leaves out what only reading by ids needs, and without a budget the ids of links to one node
   * too; when the rows can not give the response, `statement` is sent after it). Absent when it
   * sends {@linkcode LoadIdentity.statement} alone.
   */
  readonly onePass?: string;
}

/** Planned loads at one node and query path. */
export interface PlannedCounter {
  /** The query path (`""` for the root). */
  readonly path: string;
  /** The node; `null` for the root. */
  readonly node: string | null;
  /** Loads planned there. */
  readonly loads: number;
}

/** The plan of a query, explained: the JSON form of explain without running. */
export interface PlanExplain {
  /** The format's version. */
  readonly version: 1;
  /** The static cost estimate (which counts loads as if nothing were fused). */
  readonly estimate: CostEstimate;
  /** Loads planned, counting each fused region once. */
  readonly loads: number;
  /** Fused loads among them. */
  readonly fused: number;
  /**
   * Loads answered by a source (a fused region, or a loader carrying the fusion hook, like the
   * Postgres sources'): each sends one statement.
   */
  readonly statements: number;
  /** Per node per query path, in the order of {@linkcode PlanExplain.plan}. */
  readonly perPath: readonly PlannedCounter[];
  /** Every planned load. */
  readonly plan: readonly PlannedLoad[];
  /** Whether the plan was cut short at `maxNodes` node plans. */
  readonly truncated: boolean;
}

const DEFAULT_MAX_NODES = 1_000;

/**
 * Explains a query without running it: the loads it would make, and its cost estimate.
 *
 * @param graph The graph.
 * @param query The query (from `read`, `readSimple` or `build`).
 * @param options Variables, fusion, the estimate's assumptions, the most nodes explained.
 * @returns The explained plan.
 * @throws {QueryValidationError} When the query does not fit the graph.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { explainQuery, Field, Graph, Link, Node, read, Root, Sequence, Str, TypeRef } from "../../mod.ts";
 *
 * const graph = Graph([
 *   Node("Character", [Field("name", Str, (_fields, ids: number[]) => ids.map(() => ["Spock"]))]),
 *   Root([Link("characters", Sequence(TypeRef("Character")), () => [1], { requires: null })]),
 * ]);
 * const plan = explainQuery(graph, read("{ characters { name } }"));
 * assert.deepEqual(plan.perPath, [
 *   { path: "", node: null, loads: 1 },
 *   { path: "characters", node: "Character", loads: 1 },
 * ]);
 * assert.equal(plan.estimate.cost, 92); // 2 calls at 40, 12 ids
 * ```
 */
export function explainQuery(
  graph: Graph,
  query: QueryNode,
  options: ExplainQueryOptions = {},
): PlanExplain {
  const root = planQuery(graph, query, options.fusion ?? true);
  const variables = options.variables ?? {};
  const estimate = estimateCost(graph, query, variables, {
    loadCost: options.loadCost ?? 40,
    listSize: options.listSize ?? 10,
  });
  const maxNodes = options.maxNodes ?? DEFAULT_MAX_NODES;
  const loads: (PlannedLoad & { readonly source: boolean })[] = [];
  const regions = new Map<RegionPlan, number>();
  const add = (load: Omit<PlannedLoad, "id">, loader: unknown): number => {
    const id = loads.length;
    loads.push({ id, ...load, source: load.kind === "fused" || fusionOf(loader) !== null });
    return id;
  };
  // Breadth first, without recursion: a node's loads, then those of the nodes it links to.
  const queue: { plan: NodePlan; path: string; producer: number }[] = [
    { plan: root, path: "", producer: -1 },
  ];
  let truncated = false;
  for (let q = 0; q < queue.length; q++) {
    const { plan, path, producer } = queue[q]!;
    const node = plan.nodeName;
    const after = producer < 0 ? [] : [producer];
    const inRegion = plan.region;
    let region = inRegion === null ? -1 : regions.get(inRegion.plan) ?? -1;
    if (inRegion !== null && inRegion.start) {
      region = add({
        kind: "fused",
        path,
        node,
        ...fusedParts(inRegion.plan, graph, variables),
        waitsFor: after,
      }, null);
      regions.set(inRegion.plan, region);
    }
    const groupLoads: number[] = [];
    for (const group of plan.groups) {
      if (group.fused && region >= 0) {
        groupLoads.push(region);
        continue;
      }
      groupLoads.push(add({
        kind: "fields",
        path,
        node,
        members: group.names,
        loader: loaderName(group.loader),
        region: null,
        statement: null,
        waitsFor: after,
      }, group.loader));
    }
    for (const link of plan.links) {
      let load: number;
      if (link.entry !== null) {
        const parts = fusedParts(link.entry, graph, variables);
        const onePass = path === "" && directShape(plan, link)
          ? leanStatement(link.entry, graph, variables)
          : null;
        load = add(
          {
            kind: "fused",
            path,
            node,
            ...parts,
            waitsFor: after,
            ...(onePass === null || onePass === parts.statement ? {} : { onePass }),
          },
          null,
        );
        regions.set(link.entry, load);
      } else if (link.fused >= 0 && region >= 0) {
        load = region;
      } else {
        const waits = link.requires === null
          ? after
          : [...new Set(link.requires.map((r) => groupLoads[r.group]!))].sort((a, b) => a - b);
        load = add({
          kind: "link",
          path,
          node,
          members: [link.link.name],
          loader: loaderName(link.link.loader),
          region: null,
          statement: null,
          waitsFor: waits,
        }, link.link.loader);
      }
      const childPath = path === "" ? link.query.resultKey : `${path}.${link.query.resultKey}`;
      for (const name of link.targets.possible) {
        if (queue.length >= maxNodes) {
          truncated = true;
          break;
        }
        queue.push({ plan: link.targets.plan(name), path: childPath, producer: load });
      }
    }
  }
  const counters = new Map<string, { path: string; node: string | null; loads: number }>();
  let fused = 0;
  let statements = 0;
  for (const load of loads) {
    if (load.kind === "fused") fused++;
    if (load.source) statements++;
    const key = `${load.node ?? ""}\0${load.path}`;
    const counter = counters.get(key);
    if (counter === undefined) counters.set(key, { path: load.path, node: load.node, loads: 1 });
    else counter.loads++;
  }
  return {
    version: 1,
    estimate,
    loads: loads.length,
    fused,
    statements,
    perPath: [...counters.values()].map((c) => ({ path: c.path, node: c.node, loads: c.loads })),
    plan: loads.map(({ source: _, ...load }) => load),
    truncated,
  };
}

/**
 * A loader's name, for explain (internal).
 *
 * @param loader A loader.
 * @returns Its function's name, or `(anonymous)`.
 */
export function loaderName(loader: unknown): string {
  const name = typeof loader === "function" ? loader.name : "";
  return name === "" ? "(anonymous)" : name;
}

/**
 * What a region loads, as `Node.member` (internal: explain shows it for fused loads).
 *
 * @param region The region's plan.
 * @returns Its members, the link listing its first ids first (as `Query.link`).
 */
export function regionMembers(region: RegionPlan): string[] {
  const members: string[] = [];
  const { nodes, links, entry } = region.region;
  if (entry !== "ids") members.push(`Query.${links[entry]!.name}`);
  for (const node of nodes) {
    for (const group of node.groups) {
      for (const field of group.fields) members.push(`${node.node}.${field.name}`);
    }
    for (const link of links) {
      if (link.parent === node.index) members.push(`${node.node}.${link.name}`);
    }
  }
  return members;
}

function fusedParts(
  region: RegionPlan,
  graph: Graph,
  variables: Variables,
): Pick<PlannedLoad, "members" | "loader" | "region" | "statement"> {
  const label = region.region.label;
  return {
    members: regionMembers(region),
    loader: `region ${label}`,
    region: label,
    statement: statementOf(region.loader, regionInput(region, graph, variables)),
  };
}

/** The statement a region's load sends when asked for its tree alone, if its source says it. */
function leanStatement(region: RegionPlan, graph: Graph, variables: Variables): string | null {
  const input = regionInput(region, graph, variables);
  return input === null ? null : statementOf(region.loader, { ...input, tree: true });
}

/**
 * A region's input as far as explain knows it: its links' options bound to the variables (the
 * ids are not known); `null` when a variable does not fit its option.
 */
function regionInput(region: RegionPlan, graph: Graph, variables: Variables): FusedInput | null {
  try {
    return { ids: null, options: region.links.map((link) => linkOptions(link, variables, graph)) };
  } catch {
    return null;
  }
}

/**
 * Writes an explained plan as text for people: the estimate, then each load under the load it
 * would wait for, then the loads per node per query path.
 *
 * @param plan What {@linkcode explainQuery} gave.
 * @returns The text, lines ending with `\n`.
 * @example
 * ```ts
 * import { explainQuery, Field, formatPlanExplain, Graph, read, Root, Str } from "../../mod.ts";
 *
 * const graph = Graph([Root([Field("hello", Str, (fields) => fields.map(() => "world"))])]);
 * console.log(formatPlanExplain(explainQuery(graph, read("{ hello }"))));
 * ```
 */
export function formatPlanExplain(plan: PlanExplain): string {
  const e = plan.estimate;
  let out = `Plan: ${plural(plan.loads, "load")} (${plural(plan.fused, "fused region")}), ` +
    `${plural(plan.statements, "statement")}; ` +
    `estimate: cost ${e.cost}, ${plural(e.loads, "call")} unfused, ${plural(e.ids, "id")}` +
    `${plan.truncated ? "; cut short" : ""}\n`;
  out += drawLoadTree(plan.plan, (load) => load.waitsFor[0] ?? -1, (load) => {
    const where = `on ${load.node ?? "Query"} at ${load.path === "" ? "(root)" : load.path}`;
    if (load.kind !== "fused") {
      return [
        `#${load.id} ${load.kind} ${load.members.join(", ")} ${where}  loader=${load.loader}`,
      ];
    }
    const lines = [
      `#${load.id} fused region ${load.region} ${where}`,
      `members: ${load.members.join(", ")}`,
    ];
    if (load.statement !== null) lines.push(`statement: ${load.statement}`);
    if (load.onePass !== undefined) lines.push(`one pass: ${load.onePass}`);
    return lines;
  });
  out += perPathTable(plan.perPath.map((c) => [
    c.path === "" ? "(root)" : c.path,
    c.node ?? "Query",
    plural(c.loads, "load"),
  ]));
  return out;
}

/**
 * Loads drawn as a tree (internal, for the text forms of explain): each under the load it waited
 * for first (a root when it waited for none, or for one not in the list), with its first line
 * after the branch and its other lines indented below it. Depth first without recursion: a deep
 * query must not overflow the stack.
 *
 * @param loads The loads, each with its id.
 * @param parentOf The id of the load it waited for first, or -1.
 * @param linesOf Its lines: what it is, then its details.
 * @returns The lines, each ending with `\n`.
 */
export function drawLoadTree<L extends { readonly id: number }>(
  loads: readonly L[],
  parentOf: (load: L) => number,
  linesOf: (load: L) => readonly string[],
): string {
  const ids = new Set(loads.map((load) => load.id));
  const children = new Map<number, L[]>();
  const roots: L[] = [];
  for (const load of loads) {
    const parent = parentOf(load);
    if (!ids.has(parent)) roots.push(load);
    else {
      const list = children.get(parent);
      if (list === undefined) children.set(parent, [load]);
      else list.push(load);
    }
  }
  let out = "";
  const stack: { load: L; lead: string; rest: string }[] = [];
  for (let r = roots.length - 1; r >= 0; r--) stack.push({ load: roots[r]!, lead: "", rest: "" });
  while (stack.length > 0) {
    const { load, lead, rest } = stack.pop()!;
    const below = children.get(load.id) ?? [];
    const detail = rest + (below.length > 0 ? "│  " : "   ");
    const [head, ...details] = linesOf(load);
    out += `${lead}${head}\n`;
    for (const line of details) out += `${detail}${line}\n`;
    for (let c = below.length - 1; c >= 0; c--) {
      const last = c === below.length - 1;
      stack.push({
        load: below[c]!,
        lead: rest + (last ? "└─ " : "├─ "),
        rest: rest + (last ? "   " : "│  "),
      });
    }
  }
  return out;
}

/**
 * The "Loads per node per path" table (internal, for the text forms of explain): every column
 * but the last padded to its widest cell; nothing when there are no rows.
 *
 * @param rows The cells of each row.
 * @returns The heading and the rows, each ending with `\n`.
 */
export function perPathTable(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return "";
  const last = rows[0]!.length - 1;
  const widths: number[] = [];
  for (let i = 0; i < last; i++) widths.push(Math.max(...rows.map((r) => r[i]!.length)));
  let out = "Loads per node per path:\n";
  for (const row of rows) {
    out += `  ${row.slice(0, last).map((cell, i) => cell.padEnd(widths[i]!)).join("  ")}  ${
      row[last]
    }\n`;
  }
  return out;
}

/**
 * `3 loads`, `1 load` (internal, for the text forms of explain).
 *
 * @param n How many.
 * @param one The word for one.
 * @returns The count and the word.
 */
export const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? "" : "s"}`;
