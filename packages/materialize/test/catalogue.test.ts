import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderCatalogue } from "../src/catalogue.js";
import { ALERT_DEFINITIONS } from "../src/rules/definitions.js";
import { PACKAGE_DIR } from "./support/reference.js";

/** The catalogue as the generator writes it. */
function generated(): string {
  return renderCatalogue();
}

describe("docs/catalogue.md", () => {
  const committed = readFileSync(join(PACKAGE_DIR, "docs/catalogue.md"), "utf8");

  it("is what the generator writes (run `pnpm catalogue` after changing rules, dashboards or queries)", () => {
    expect(generated()).toBe(committed);
  });

  it("lists every alert with its thresholds and runbook, every dashboard, and the metrics used", () => {
    for (const alert of ALERT_DEFINITIONS) {
      expect(committed).toMatch(new RegExp(`\\| ${alert.name} +\\|`));
      expect(committed).toContain(`(runbooks.md#${alert.name.toLowerCase()})`);
    }
    expect(committed).toContain("warning: > 60, 10m<br>critical: > 300, 10m");
    expect(renderCatalogue()).toContain("| MaterializeEnvironmentdDown | critical: 5m | on |");
    expect(committed).toContain("### Materialize / Environment overview");
    expect(committed).toContain("## Metrics used, by scrape source");
    expect(committed).toMatch(/\| mz_dataflow_wallclock_lag_seconds +\|/);
  });
});
