// Regenerates docs/catalogue.md from the built package (run `pnpm catalogue`, which builds first).
// The Markdown goes through the repository's Biome formatter, as every committed file does.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderCatalogue } from "../dist/index.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const biome = fileURLToPath(new URL("../../../node_modules/.bin/biome", import.meta.url));
const formatted = execFileSync(biome, ["format", "--stdin-file-path=docs/catalogue.md"], {
  cwd: packageDir,
  input: renderCatalogue(),
  encoding: "utf8",
});
const target = new URL("../docs/catalogue.md", import.meta.url);
writeFileSync(target, formatted);
console.log(`wrote ${fileURLToPath(target)}`);
