/**
 * Node agents (DaemonSets) take no topology spread constraints: the check both
 * node-agent packages run on their values.
 */
import { expect } from "vitest";

/** A spread constraint a Deployment would take. */
export const HOST_SPREAD = [
  { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule" },
];

/** `render(scheduling)` must be refused for the spread constraints, naming `section`'s path. */
export function expectSpreadRefused(
  render: (scheduling: never) => unknown,
  section: string,
  errorOf: (run: () => unknown) => string,
): void {
  const message = errorOf(() => render({ topologySpreadConstraints: HOST_SPREAD } as never));
  expect(message).toMatch(
    new RegExp(`^${section}\\.scheduling\\.topologySpreadConstraints: unknown key`),
  );
  expect(message).toContain("nodeSelector");
}
