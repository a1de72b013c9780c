// The worker thread that runs a simulation for the sel4ts command (src/cli/supervise.ts): the same
// loader set-up as bin/sel4ts.js (a worker does not inherit the main thread's module hooks).
import { register } from "node:module";
import { register as registerTsx } from "tsx/esm/api";

registerTsx();
register("./resolve-hooks.js", import.meta.url);
await import("../src/cli/worker.ts");
