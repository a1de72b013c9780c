// The worker thread that runs `sel4ts boot` / `sel4ts run` (src/cli/supervise.js starts it): the
// TypeScript loader and `sel4ts/...` resolution of bin/sel4ts.js (a worker does not inherit the
// main thread's module hooks; the supervising thread registers none).
import { register } from "node:module";
import { register as registerTsx } from "tsx/esm/api";

registerTsx();
register("./resolve-hooks.js", import.meta.url);
await import("../src/cli/worker.ts");
