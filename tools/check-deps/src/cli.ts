import { checkManifests } from "./rules.ts";
import { workspaceManifests } from "./workspace.ts";

const problems = checkManifests(workspaceManifests());
for (const problem of problems) console.error(problem);
console.log(
  problems.length === 0
    ? "dependency rules hold"
    : `${problems.length} dependency rule violation(s)`,
);
process.exit(problems.length === 0 ? 0 : 1);
