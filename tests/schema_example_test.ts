import assert from "node:assert/strict";

Deno.test("examples/schema.ts runs with no permissions and prints the SDL and each response", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "examples/schema.ts"],
    cwd: new URL("../", import.meta.url),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  assert.equal(new TextDecoder().decode(stdout), EXPECTED);
});

const EXPECTED = String.raw`directive @cached(ttl: Int!) on FIELD

type Query {
  characters: [Character!]!
  character(rank: Rank!): Character
  search(text: String!): [SearchResult!]!
  everyone: [Named!]!
}

type Mutation {
  createCharacter(input: NewCharacter!): Character!
}

"""A character of the series"""
type Character implements Named {
  id: Int!

  """The full name"""
  name: String!
  rank: Rank!
  born: Date
  quote: String
  ship: Starship @deprecated(reason: "Use search")
}

type Starship implements Named {
  name: String!
}

interface Named {
  name: String!
}

union SearchResult = Character | Starship

enum Rank {
  ENSIGN
  COMMANDER

  """Commanding officer"""
  CAPTAIN
}

scalar Date @specifiedBy(url: "https://tools.ietf.org/html/rfc3339")

input NewCharacter {
  name: String!
  rank: Rank! = ENSIGN
  born: Date
}

# query ($rank: Rank!) { character(rank: $rank) { name rank born } }
{"data":{"character":{"name":"Spock","rank":"COMMANDER","born":"2230-01-06"}}}
# { search(text: "e") { __typename ... on Character { name } ... on Starship { name } } }
{"data":{"search":[{"__typename":"Character","name":"James T. Kirk"},{"__typename":"Starship","name":"Enterprise"}]}}
# { everyone { __typename name } }
{"data":{"everyone":[{"__typename":"Character","name":"James T. Kirk"},{"__typename":"Starship","name":"Enterprise"}]}}
# { characters { name quote ship { name } } }
{"errors":[{"message":"subspace interference","locations":[{"line":1,"column":21}],"path":["characters",0,"quote"]},{"message":"subspace interference","locations":[{"line":1,"column":21}],"path":["characters",1,"quote"]}],"data":{"characters":[{"name":"James T. Kirk","quote":null,"ship":{"name":"Enterprise"}},{"name":"Spock","quote":null,"ship":{"name":"Enterprise"}}]}}
# mutation { createCharacter(input: { name: "Pavel Chekov", born: "2245-02-14" }) { name rank born } }
{"data":{"createCharacter":{"name":"Pavel Chekov","rank":"ENSIGN","born":"2245-02-14"}}}
# { characters { nme } character(rank: ADMIRAL) { name } }
{"errors":[{"message":"Cannot query field \"nme\" on type \"Character\". Did you mean \"name\"?","locations":[{"line":1,"column":16}]},{"message":"Value \"ADMIRAL\" does not exist in \"Rank\" enum.","locations":[{"line":1,"column":38}]}]}
# { __type(name: "Rank") { kind enumValues { name description } } }
{"data":{"__type":{"kind":"ENUM","enumValues":[{"name":"ENSIGN","description":null},{"name":"COMMANDER","description":null},{"name":"CAPTAIN","description":"Commanding officer"}]}}}
`;
