// Type-checking users' TypeScript programs with the TypeScript compiler and this package's own
// types (`sel4ts/libsel4` and `sel4ts/microkit` resolve to its sources), and finding system calls
// whose generator is created and dropped (a call without `yield*` does nothing at all).

import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");

function packagePaths(): Record<string, string[]> {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    exports?: Record<string, string>;
  };
  const paths: Record<string, string[]> = {};
  for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
    if (sub === "." || !target.endsWith(".ts")) continue;
    paths[`sel4ts/${sub.slice(2)}`] = [join(ROOT, target)];
  }
  return paths;
}

/** Whether a diagnostic's file is the user's (not sel4ts's own sources or a library). */
function isUserFile(f: string): boolean {
  return !f.startsWith(`${ROOT}/src/`) && !f.includes("/node_modules/");
}

/**
 * Type-check `files` (and what they import); print each error in the user's files as
 * FILE:LINE:COL: error TSnnnn: message. Returns the number of errors. `droppedOnly`: report only
 * the system calls written without yield*, as warnings (after a run that made some).
 */
export function typecheckFiles(
  files: string[],
  report: (line: string) => void,
  opts: { droppedOnly?: boolean } = {},
): number {
  if (files.length === 0) return 0;
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    types: [],
    // The DOM library for what programs share with a browser (TextEncoder, console).
    lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
    paths: packagePaths(),
  };
  const program = ts.createProgram(
    files.map((f) => resolve(f)),
    options,
  );
  const diags = (opts.droppedOnly === true ? [] : ts.getPreEmitDiagnostics(program)).filter(
    (d) => d.file === undefined || isUserFile(d.file.fileName),
  );
  let n = 0;
  for (const d of diags) {
    if (d.category !== ts.DiagnosticCategory.Error) continue;
    n++;
    report(
      format(d.file, d.start, `error TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`),
    );
  }
  const checker = program.getTypeChecker();
  for (const sf of program.getSourceFiles()) {
    if (sf.isDeclarationFile || !isUserFile(sf.fileName)) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isExpressionStatement(node) && droppedGenerator(node.expression, checker)) {
        n++;
        const call = node.expression.getText(sf).split("(")[0];
        report(
          format(
            sf,
            node.expression.getStart(sf),
            `${opts.droppedOnly === true ? "warning" : "error"}: ${call}(…) makes a generator that is never run, so nothing happens: write yield* ${call}(…)`,
          ),
        );
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return n;
}

/** A call statement whose value, a Generator, is thrown away. */
function droppedGenerator(e: ts.Expression, checker: ts.TypeChecker): boolean {
  if (!ts.isCallExpression(e)) return false;
  const t = checker.getTypeAtLocation(e);
  const name = t.getSymbol()?.getName() ?? t.aliasSymbol?.getName();
  return name === "Generator" || name === "UserGenerator" || name === "Invocation";
}

function format(file: ts.SourceFile | undefined, start: number | undefined, message: string): string {
  if (file === undefined || start === undefined) return `sel4ts: ${message}`;
  const { line, character } = file.getLineAndCharacterOfPosition(start);
  return `${file.fileName}:${line + 1}:${character + 1}: ${message}`;
}
