// Build step after tsc: copy the plain-JavaScript assets of src/ (browser scripts inlined into pages)
// to the same place under dist/, so dist/ runs on its own without the sources beside it.
import { copyFileSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
function* assets(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* assets(path);
    else if (name.endsWith(".js")) yield path;
  }
}
for (const source of assets(join(root, "src"))) {
  const target = join(root, "dist", relative(join(root, "src"), source));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
}
