/**
 * Whether a query's response can be built in one pass over a fused region's rows (see
 * execution/direct.ts): the root asks for one list, and the region that list starts answers every
 * field and link below it. Plan-level: the rows decide the rest.
 *
 * @module
 */

import type { LinkPlan, NodePlan, RegionPlan } from "./plan.ts";

/**
 * Whether the root's plan is one the walk may answer from its entry link's region: the region's
 * list is all the root asks for (`__typename` aside).
 *
 * @param root The root's plan.
 * @param entry The root link whose list starts the region.
 * @returns Whether the walk may answer it (the region's tree decides the rest).
 */
export function directShape(root: NodePlan, entry: LinkPlan): boolean {
  const region = entry.entry;
  if (region === null || root.groups.length !== 0 || root.links.length !== 1) return false;
  if (root.links[0] !== entry || entry.targets.resolveType !== null) return false;
  let known = SHAPES.get(entry);
  if (known === undefined) {
    known = answered(entry.targets.plan(entry.link.target), region);
    SHAPES.set(entry, known);
  }
  return known;
}

/** {@linkcode directShape}'s answers, by entry link plan. */
const SHAPES = new WeakMap<LinkPlan, boolean>();

/**
 * Whether a region answers a node's whole output, and that of the nodes its links reach: each
 * field from a group the region loads, each link one of the region's, to a node (not a union).
 */
function answered(plan: NodePlan, region: RegionPlan): boolean {
  if (plan.region === null || plan.region.plan !== region) return false;
  const out = plan.out;
  for (let s = 0; s < out.length; s++) {
    const slot = out[s]!;
    if (slot.kind === "field") {
      if (!plan.groups[slot.group]!.fused) return false;
    } else if (slot.kind === "link") {
      const link = plan.links[slot.link]!;
      if (link.fused < 0 || link.targets.resolveType !== null) return false;
      // A region is a tree of plans: no node is reached again below itself.
      if (!answered(link.targets.plan(link.link.target), region)) return false;
    }
  }
  return true;
}
