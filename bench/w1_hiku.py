"""Workload W1 on Python Hiku, for bench/engine_bench.ts to report side by side.

The same data and query as bench/engine_bench.ts, on Hiku's SyncExecutor. Prints one JSON line:
the minimum and median time of engine.execute + denormalize over the runs, and the SHA-256 of the
result's JSON (compact separators, as JavaScript's JSON.stringify writes it), so the bench can
check that Hiku produced the same result.

Needs Hiku and its dependencies importable (e.g. PYTHONPATH=/path/to/hiku). Not part of the
library; run by the bench only when Python Hiku is available.
"""

import hashlib
import json
import sys
import time

from hiku.context import create_execution_context
from hiku.engine import Engine
from hiku.executors.sync import SyncExecutor
from hiku.graph import Field, Graph, Link, Node, Root
from hiku.readers.graphql import read
from hiku.result import denormalize
from hiku.types import Integer, Sequence, String, TypeRef

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 5

characters = {}
actors = {}
actors_by_character = {}
for c in range(1, N + 1):
    characters[c] = {
        "id": c,
        "name": f"Character {c}",
        "species": "Vulcan" if c % 3 == 0 else "Human",
    }
    ids = []
    for k in range(5):
        i = (c - 1) * 5 + k + 1
        actors[i] = {"id": i, "name": f"Actor {i}", "character_id": c}
        ids.append(i)
    actors_by_character[c] = ids


def rows_of(table):
    def load(fields, ids):
        names = [f.name for f in fields]
        return [[table[i][n] for n in names] for i in ids]

    return load


character_fields = rows_of(characters)
actor_fields = rows_of(actors)

GRAPH = Graph(
    [
        Node(
            "Character",
            [
                Field("id", Integer, character_fields),
                Field("name", String, character_fields),
                Field("species", String, character_fields),
                Link(
                    "actors",
                    Sequence[TypeRef["Actor"]],
                    lambda ids: [actors_by_character[i] for i in ids],
                    requires="id",
                ),
            ],
        ),
        Node(
            "Actor",
            [
                Field("id", Integer, actor_fields),
                Field("name", String, actor_fields),
                Field("character_id", Integer, actor_fields),
                Link(
                    "character",
                    TypeRef["Character"],
                    lambda ids: ids,
                    requires="character_id",
                ),
            ],
        ),
        Root(
            [
                Link(
                    "characters",
                    Sequence[TypeRef["Character"]],
                    lambda: list(characters),
                    requires=None,
                ),
            ]
        ),
    ]
)

engine = Engine(SyncExecutor())
query = read(
    "{ characters { id name species actors { id name character { name species } } } }"
)


def run():
    result = engine.execute(create_execution_context(query=query, query_graph=GRAPH))
    return denormalize(GRAPH, result)


digest = hashlib.sha256(
    json.dumps(run(), separators=(",", ":"), ensure_ascii=False).encode()
).hexdigest()
times = []
for _ in range(RUNS):
    start = time.perf_counter()
    run()
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print(
    json.dumps(
        {"min_ms": times[0], "median_ms": times[len(times) // 2], "sha256": digest}
    )
)
