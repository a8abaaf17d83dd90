// Regenerates docs/catalogue.md from the built package (run `pnpm catalogue`, which builds first).
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderCatalogue } from "../dist/index.js";

const target = new URL("../docs/catalogue.md", import.meta.url);
writeFileSync(target, renderCatalogue());
console.log(`wrote ${fileURLToPath(target)}`);
