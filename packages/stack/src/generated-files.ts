import { toYaml } from "@materialize-monitoring/core";
import { PROFILE_NAMES, PROFILES, type Profile } from "./profiles.js";
import { valuesJsonSchema } from "./schema.js";

/**
 * Files committed in the package that are generated from code: the values
 * JSON Schema and one YAML file per profile. `pnpm generate` writes them; a
 * test fails when a committed copy differs from what this returns.
 */
export function generatedFiles(): Record<string, string> {
  const files: Record<string, string> = {
    "values.schema.json": `${JSON.stringify(valuesJsonSchema(), null, 2)}\n`,
  };
  for (const name of PROFILE_NAMES) {
    const profile: Profile = PROFILES[name];
    const examples = profile.examples?.length
      ? `# Example values to replace with yours: ${profile.examples.join(", ")}.\n`
      : "";
    files[`profiles/${name}.yaml`] =
      `# yaml-language-server: $schema=../values.schema.json\n# ${profile.description}\n${examples}# Generated from src/profiles.ts; apply with \`materialize-monitoring render --profile ${name}\` or -f this file.\n${toYaml(profile.values)}`;
  }
  return files;
}
