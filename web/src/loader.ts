// TypeScript protection domains in the browser: each module is transpiled by sucrase (types
// stripped, ES imports turned into require calls) and evaluated with a `require` that gives the
// bundled `sel4ts/libsel4` and `sel4ts/microkit` (the very modules the system runs with) and the
// other files of the system by relative path.

import { transform } from "sucrase";
import * as libsel4 from "../../src/user/libsel4.ts";
import * as microkit from "../../src/user/microkit.ts";
import { resolvePath } from "./paths.ts";

const LIBRARIES: Record<string, unknown> = {
  "sel4ts/libsel4": libsel4,
  "sel4ts/microkit": microkit,
};

export class ModuleLoader {
  private readonly cache = new Map<string, Record<string, unknown>>();
  constructor(private readonly files: Record<string, string>) {}

  /** The exports of the module at `path` (evaluated once). */
  load(path: string): Record<string, unknown> {
    const done = this.cache.get(path);
    if (done !== undefined) return done;
    const source = this.files[path];
    if (source === undefined) throw new Error(`no file '${path}'`);
    const js = transform(source, {
      transforms: ["typescript", "imports"],
      filePath: path,
      production: true,
    }).code;
    const module = { exports: {} as Record<string, unknown> };
    this.cache.set(path, module.exports);
    const require = (spec: string): unknown => {
      const lib = LIBRARIES[spec];
      if (lib !== undefined) return lib;
      if (spec.startsWith(".")) {
        const target = resolvePath(path, spec);
        const withExt = [target, `${target}.ts`, `${target}.js`].find((p) => p in this.files);
        if (withExt !== undefined) return this.load(withExt);
      }
      throw new Error(
        `${path}: cannot import '${spec}' (only sel4ts/libsel4, sel4ts/microkit and the system's own files)`,
      );
    };
    // The module body as a function of its CommonJS environment.
    const body = new Function("require", "exports", "module", js) as (
      r: (s: string) => unknown,
      e: Record<string, unknown>,
      m: { exports: Record<string, unknown> },
    ) => void;
    body(require, module.exports, module);
    this.cache.set(path, module.exports);
    return module.exports;
  }
}
