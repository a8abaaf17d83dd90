import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  /**
   * A query that does not parse fails the build: render every artifact from
   * the fresh bundle (every PromQL/LogQL expression is parsed on the way).
   */
  async onSuccess() {
    const url = new URL("./dist/index.js", import.meta.url);
    const built = (await import(`${url.href}?t=${Date.now()}`)) as {
      materializeArtifacts: () => unknown;
    };
    built.materializeArtifacts();
  },
});
