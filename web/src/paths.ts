// Paths of a system's files, relative to its SDF's directory ("/"-separated, ".." allowed).

/** Join a relative specifier to the directory of `from` (both are "/"-separated relative paths). */
export function resolvePath(from: string, spec: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const p of spec.split("/")) {
    if (p === "." || p === "") continue;
    if (p === ".." && parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
    else parts.push(p);
  }
  return parts.join("/");
}
