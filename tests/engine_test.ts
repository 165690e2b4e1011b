import { AsyncExecutor, Engine } from "../mod.ts";
import { executorSuite } from "./support/executor_suite.ts";

executorSuite({
  name: "AsyncExecutor",
  open: () =>
    Promise.resolve({ engine: new Engine(new AsyncExecutor()), close: () => Promise.resolve() }),
});
