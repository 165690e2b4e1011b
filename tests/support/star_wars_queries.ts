/**
 * A seeded generator of valid GraphQL queries over graphql-js's Star Wars schema
 * (tests/support/star_wars.ts), for differential tests against graphql-js.
 *
 * The queries use what a front end and a result builder most easily get wrong: nested inline
 * fragments (with and without a type condition, through the interface and back), named fragments
 * spread at several places and inside other fragments, aliases (one field under several aliases
 * with different arguments), fields and fragments interleaved (key order), `__typename`,
 * variables (with and without defaults, null for nullable ones, omitted), `@skip`/`@include` with
 * literals and variables on fields, inline fragments and spreads, one field selected several times
 * so that selections merge, `secretBackstory` (a field error per position) and unknown ids.
 *
 * Every query is valid for graphql-js's `validate` (tests/star_wars_queries_test.ts checks
 * thousands of seeds) and within the HTTP endpoint's default limits of depth 10 and 15 aliases.
 * Validity of field merging is kept by construction: within one query, a response key always
 * means the same field with the same arguments, so any two selections with one key can merge.
 *
 * @module
 */

import { type FragmentDefinitionNode, Kind, parse, type SelectionSetNode, visit } from "graphql";

/** A query text and its variable values. */
export interface RandomQuery {
  /** The GraphQL document: one operation and the fragments it uses. */
  readonly query: string;
  /** Values of the operation's variables (some variables with defaults are left out). */
  readonly variables: Record<string, unknown>;
}

/** The most nested selection sets a query may have (`{ a { b } }` is 2), as the endpoint counts. */
export const MAX_DEPTH = 10;
/** The most aliases a query may have, across the whole document. */
export const MAX_ALIASES = 15;

/**
 * Gives the random valid query of a seed: the same seed always gives the same query.
 *
 * @param seed Any integer.
 * @returns The query and its variables.
 */
export function randomQuery(seed: number): RandomQuery {
  // A draw that breaks a limit is thrown away; the next draw comes from the same stream, so
  // the result still depends on the seed alone.
  const random = mulberry32(seed);
  for (;;) {
    const candidate = new QueryGenerator(random).generate();
    if (withinLimits(candidate.query)) return candidate;
  }
}

// ---------------------------------------------------------------------------------------------
// The schema, as the generator needs it
// ---------------------------------------------------------------------------------------------

type ObjectScope = "Character" | "Human" | "Droid";
type Scope = ObjectScope | "Query";

const LEAVES: Readonly<Record<ObjectScope, readonly string[]>> = {
  Character: ["id", "name", "appearsIn"],
  Human: ["id", "name", "appearsIn", "homePlanet"],
  Droid: ["id", "name", "appearsIn", "primaryFunction"],
};

/** Type conditions that can apply inside a scope (graphql-js's PossibleFragmentSpreads rule). */
const POSSIBLE: Readonly<Record<Scope, readonly Scope[]>> = {
  Character: ["Character", "Human", "Droid"],
  Human: ["Human", "Character"],
  Droid: ["Droid", "Character"],
  Query: ["Query"],
};

/** Aliases that fit a field; any of them may be taken by another field in a given query. */
const FIELD_ALIASES: Readonly<Record<string, readonly string[]>> = {
  id: ["ident", "key"],
  name: ["fullName", "called"],
  appearsIn: ["films", "episodes"],
  homePlanet: ["planet", "origin"],
  primaryFunction: ["job", "role"],
  secretBackstory: ["story", "secret"],
  friends: ["pals", "allies"],
  __typename: ["kind", "type"],
};
const GENERIC_ALIASES = ["a1", "a2", "a3", "a4"];

/** A root field with one way of giving its arguments. */
interface RootChoice {
  readonly field: "hero" | "human" | "droid";
  readonly args: string;
  readonly aliases: readonly string[];
  readonly scope: ObjectScope;
}

const NAMES: Readonly<Record<string, string>> = {
  "1000": "luke",
  "1001": "vader",
  "1002": "han",
  "1003": "leia",
  "1004": "tarkin",
  "2000": "threepio",
  "2001": "artoo",
  "9999": "nobody",
};

const SCOPE_OF: Readonly<Record<RootChoice["field"], ObjectScope>> = {
  hero: "Character",
  human: "Human",
  droid: "Droid",
};

function rootChoice(field: RootChoice["field"], args: string, aliases: readonly string[]) {
  return { field, args, aliases, scope: SCOPE_OF[field] };
}

const ROOT_CHOICES: readonly RootChoice[] = [
  ...["", "(episode: NEW_HOPE)", "(episode: EMPIRE)", "(episode: JEDI)", "(episode: $ep)"]
    .map((args) => rootChoice("hero", args, ["mainHero", "hero2"])),
  rootChoice("hero", "(episode: $ep2)", ["heroOfEp2"]),
  rootChoice("hero", "(episode: null)", ["nullHero"]),
  ...["1000", "1001", "1002", "1003", "1004", "2001", "9999"]
    .map((id) => rootChoice("human", `(id: "${id}")`, [NAMES[id] ?? "who"])),
  ...["2000", "2001", "1000", "9999"]
    .map((id) => rootChoice("droid", `(id: "${id}")`, [NAMES[id] ?? "who"])),
  ...["$id", "$hid"].flatMap((v) => [
    rootChoice("human", `(id: ${v})`, ["someone", "someHuman"]),
    rootChoice("droid", `(id: ${v})`, ["something", "someDroid"]),
  ]),
];

/** The variables a query may use: definition and a value, or `undefined` to leave it out. */
const VARIABLES: Readonly<
  Record<string, { readonly definition: string; readonly values: readonly unknown[] }>
> = {
  // Required: always given (a value of an unknown id gives null).
  id: { definition: "$id: String!", values: ["1000", "1002", "2000", "2001", "31337"] },
  // Nullable with a default, used where String! is expected: given or left out, never null.
  hid: { definition: '$hid: String = "1003"', values: [undefined, "1001", "2000", "nope"] },
  ep: { definition: "$ep: Episode", values: [undefined, null, "NEW_HOPE", "EMPIRE", "JEDI"] },
  ep2: { definition: "$ep2: Episode = EMPIRE", values: [undefined, null, "JEDI", "EMPIRE"] },
  cond: { definition: "$cond: Boolean!", values: [true, false] },
  show: { definition: "$show: Boolean = true", values: [undefined, true, false] },
};

const CONDITIONS = ["true", "false", "$cond", "$show"];

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

interface FragmentDefinition {
  readonly name: string;
  readonly scope: Scope;
  readonly text: string;
}

/** One query's generation: the response keys it gave out and the fragments it defined. */
class QueryGenerator {
  readonly #random: () => number;
  /** Response key to the field and arguments it means, for the whole query. */
  readonly #keys = new Map<string, string>();
  readonly #fragments: FragmentDefinition[] = [];
  #counter = 0;

  constructor(random: () => number) {
    this.#random = random;
  }

  generate(): RandomQuery {
    const fragmentCount = this.#int(0, 4);
    for (let i = 0; i < fragmentCount; i++) this.#defineFragment(i);
    const body = this.#selections("Query", 1, 1, this.#fragments.length);
    const operationText = body.join("\n");

    // Only the fragments the operation reaches are printed: graphql-js rejects unused ones.
    const used = new Set<string>();
    const reach = (text: string) => {
      for (const [, name] of text.matchAll(/\.\.\.([_A-Za-z]\w*)/g)) {
        if (name === undefined || used.has(name)) continue;
        used.add(name);
        const fragment = this.#fragments.find((f) => f.name === name);
        if (fragment !== undefined) reach(fragment.text);
      }
    };
    reach(operationText);
    const fragments = this.#fragments.filter((f) => used.has(f.name));
    const document = [operationText, ...fragments.map((f) => f.text)].join("\n");

    // Declare exactly the variables used (graphql-js rejects undefined and unused ones).
    const names = [...new Set([...document.matchAll(/\$(\w+)/g)].map((m) => m[1] ?? ""))];
    const variables: Record<string, unknown> = {};
    for (const name of names) {
      const value = this.#pick(VARIABLES[name]?.values ?? []);
      if (value !== undefined) variables[name] = value;
    }
    const definitions = names.map((n) => VARIABLES[n]?.definition).join(", ");
    const header = names.length > 0
      ? `query Random${this.#int(1, 99)}(${definitions}) `
      : this.#chance(0.5)
      ? ""
      : `query Random${this.#int(1, 99)} `;
    const operation = `${header}{\n${indent(body).join("\n")}\n}`;
    const query = [operation, ...fragments.map((f) => f.text)].join("\n\n") + "\n";
    return { query, variables };
  }

  #defineFragment(index: number): void {
    const scope = this.#pick<Scope>(["Character", "Character", "Human", "Droid", "Query"]);
    const name = `${scope}Part${index}`;
    // A fragment spreads only fragments defined before it: no cycles.
    const body = this.#selections(scope, 2, scope === "Query" ? 1 : 2, index);
    this.#fragments.push({
      name,
      scope,
      text: `fragment ${name} on ${scope} {\n${indent(body).join("\n")}\n}`,
    });
  }

  /**
   * Lines of a selection set in a scope. `budget` is how many more `friends` levels may nest;
   * `fragments` how many of the defined fragments may be spread here.
   */
  #selections(scope: Scope, count: number, budget: number, fragments: number): string[] {
    const lines: string[] = [];
    const items = this.#int(1, count + 2);
    const previous: string[][] = [];
    for (let i = 0; i < items; i++) {
      const item = this.#selection(scope, budget, fragments, previous);
      previous.push(item);
      lines.push(...item);
    }
    return lines;
  }

  #selection(
    scope: Scope,
    budget: number,
    fragments: number,
    previous: readonly string[][],
  ): string[] {
    const spreadable = this.#fragments.slice(0, fragments).filter((f) =>
      POSSIBLE[scope].includes(f.scope)
    );
    const roll = this.#random();
    // Select an earlier selection again, so that graphql-js and hiku-ts merge the two.
    if (roll < 0.08 && previous.length > 0) return [...this.#pick(previous)];
    if (roll < 0.16 && spreadable.length > 0) {
      return [`...${this.#pick(spreadable).name}${this.#directives(0.25)}`];
    }
    if (roll < 0.3) return this.#inlineFragment(scope, budget, fragments);
    if (roll < 0.36) return [`${this.#key("__typename", "__typename", 0.3)}__typename`];
    if (scope === "Query") return this.#rootField(budget, fragments);
    if (roll < 0.5 && budget > 0) {
      const key = this.#key("friends", "friends", 0.3);
      const body = this.#selections("Character", 2, budget - 1, fragments);
      return [`${key}friends${this.#directives(0.1)} {`, ...indent(body), "}"];
    }
    const field = this.#chance(0.03) ? "secretBackstory" : this.#pick(LEAVES[scope]);
    return [`${this.#key(field, field, 0.4)}${field}${this.#directives(0.15)}`];
  }

  #rootField(budget: number, fragments: number): string[] {
    const choice = this.#pick(ROOT_CHOICES);
    const key = this.#key(choice.field + choice.args, choice.field, 0.6, choice.aliases);
    const body = this.#chance(0.15)
      // The shape that once lost fields or was rejected: an interface fragment inside a field of
      // an object type (or of the interface), with an object type fragment inside it that
      // applies to some characters only (inside droid(...), a Human fragment applies to none).
      ? [
        "... on Character {",
        ...indent([
          this.#chance(0.7) ? "... on Human { homePlanet }" : "... on Droid { primaryFunction }",
          "name",
        ]),
        "}",
      ]
      : this.#selections(choice.scope, 3, budget + this.#int(0, 1), fragments);
    return [`${key}${choice.field}${choice.args}${this.#directives(0.1)} {`, ...indent(body), "}"];
  }

  #inlineFragment(scope: Scope, budget: number, fragments: number): string[] {
    const target = this.#chance(0.2) ? null : this.#pick(POSSIBLE[scope]);
    const condition = target === null ? "" : ` on ${target}`;
    const body = this.#selections(target ?? scope, 2, budget, fragments);
    return [`...${condition}${this.#directives(0.25)} {`, ...indent(body), "}"];
  }

  /** `@skip`/`@include` (sometimes both) with a literal or a Boolean variable, or nothing. */
  #directives(probability: number): string {
    if (!this.#chance(probability)) return "";
    const one = (name: string) => ` @${name}(if: ${this.#pick(CONDITIONS)})`;
    if (this.#chance(0.2)) return one("skip") + one("include");
    return one(this.#pick(["skip", "include"]));
  }

  /**
   * The response key prefix (`alias: ` or nothing) for a field meaning `signature`. A key keeps
   * one meaning for the whole query, which makes every pair of same-key selections mergeable.
   */
  #key(
    signature: string,
    field: string,
    bare: number,
    aliases: readonly string[] = FIELD_ALIASES[field] ?? [],
  ): string {
    const free = (key: string) => (this.#keys.get(key) ?? signature) === signature;
    if (this.#chance(bare) && free(field)) {
      this.#keys.set(field, signature);
      return "";
    }
    const candidates = [...aliases, ...GENERIC_ALIASES].filter(free);
    const alias = candidates.length > 0 && this.#chance(0.85)
      ? this.#pick(candidates)
      // No listed alias has an underscore, so this one is new.
      : `${field.replace(/^_+/, "")}_${++this.#counter}`;
    this.#keys.set(alias, signature);
    return `${alias}: `;
  }

  #chance(probability: number): boolean {
    return this.#random() < probability;
  }

  #int(min: number, max: number): number {
    return min + Math.floor(this.#random() * (max - min + 1));
  }

  #pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("cannot pick from an empty list");
    return items[Math.floor(this.#random() * items.length)] as T;
  }
}

function indent(lines: readonly string[]): string[] {
  return lines.map((line) => `  ${line}`);
}

/**
 * A small, fast seeded PRNG (Mulberry32): enough to spread queries, and the same everywhere.
 *
 * @param seed Any integer: the same seed always gives the same numbers.
 * @returns Numbers in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------

/**
 * Whether a document stays within {@linkcode MAX_DEPTH} (nested selection sets, through fragments,
 * as the HTTP endpoint counts them) and {@linkcode MAX_ALIASES} (across the document).
 */
export function withinLimits(query: string): boolean {
  const document = parse(query);
  let aliases = 0;
  visit(document, {
    Field(node) {
      if (node.alias !== undefined) aliases++;
    },
  });
  if (aliases > MAX_ALIASES) return false;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  }
  const depth = (set: SelectionSetNode): number => {
    let deepest = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.selectionSet !== undefined) deepest = Math.max(deepest, depth(s.selectionSet));
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, depth(s.selectionSet) - 1);
      } else {
        const fragment = fragments.get(s.name.value);
        if (fragment !== undefined) {
          deepest = Math.max(deepest, depth(fragment.selectionSet) - 1);
        }
      }
    }
    return deepest + 1;
  };
  return document.definitions.every((d) =>
    d.kind !== Kind.OPERATION_DEFINITION || depth(d.selectionSet) <= MAX_DEPTH
  );
}
