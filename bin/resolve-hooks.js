// Module resolution hooks for programs run by the sel4ts command: `sel4ts/...` imports resolve to
// this package wherever the program file lives, so a root task anywhere on disk can import
// sel4ts/libsel4 even when no node_modules next to it contains sel4ts.
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";
import { readFileSync } from "node:fs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

const rootUrl = pathToFileURL(root).href + "/";

export async function resolve(specifier, context, nextResolve) {
  if (specifier === "sel4ts" || specifier.startsWith("sel4ts/")) {
    const sub = specifier === "sel4ts" ? "." : "./" + specifier.slice("sel4ts/".length);
    const target = pkg.exports?.[sub];
    if (typeof target === "string") {
      return nextResolve(pathToFileURL(join(root, target)).href, context);
    }
  }
  const r = await nextResolve(specifier, context);
  // Programs are ES modules by contract (`export default function* ...`), even in a folder
  // without a package.json saying so.
  if (
    r.format === "commonjs" &&
    r.url.startsWith("file:") &&
    !r.url.startsWith(rootUrl) &&
    !r.url.includes("/node_modules/") &&
    /\.(ts|mts|js)$/.test(r.url)
  ) {
    return { ...r, format: "module" };
  }
  return r;
}
