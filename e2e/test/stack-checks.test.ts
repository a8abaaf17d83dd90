/**
 * The stack-wide checks (the validation layers `materialize-monitoring validate`
 * runs) over the real full render, each shown catching a defect planted in it.
 */
import type { KubeObject } from "@materialize-monitoring/core";
import { type Stack, stack, validateStack } from "materialize-monitoring";
import { describe, expect, it } from "vitest";

type Mutable = KubeObject & Record<string, unknown>;

/** A copy of the stack with one object replaced. */
function planted(
  built: Stack,
  kind: string,
  name: string,
  change: (object: Mutable) => void,
): Stack {
  const objects = built.objects.map((o) => {
    if (o.kind !== kind || o.metadata.name !== name) return o;
    const copy = structuredClone(o) as Mutable;
    change(copy);
    return copy;
  });
  expect(objects).not.toEqual(built.objects);
  return { ...built, objects };
}

async function problems(built: Stack): Promise<string[]> {
  return (await validateStack(built)).map((p) => `${p.layer}: ${p.message}`);
}

describe("stack-wide checks on the full render", () => {
  const built = stack();

  it("find nothing in the default stack", async () => {
    expect(await problems(built)).toEqual([]);
  });

  it("catch a Service whose selector matches no pod", async () => {
    const broken = planted(built, "Service", "thanos-query", (svc) => {
      (svc.spec as { selector: Record<string, string> }).selector["app.kubernetes.io/component"] =
        "querry";
    });
    expect(await problems(broken)).toContainEqual(
      expect.stringMatching(
        /^graph: Service\/monitoring\/thanos-query: selector .* matches no rendered pod template/,
      ),
    );
  });

  it("catch a NetworkPolicy that blocks the pipeline's pushes to Loki", async () => {
    const gateway = built.endpoints.alloyGateway!;
    const broken = planted(built, "NetworkPolicy", "loki-gateway", (policy) => {
      const spec = policy.spec as {
        ingress: { from?: { podSelector?: { matchLabels?: Record<string, string> } }[] }[];
      };
      for (const rule of spec.ingress) {
        rule.from = (rule.from ?? []).filter(
          (peer) =>
            peer.podSelector?.matchLabels?.["app.kubernetes.io/name"] !==
            gateway.podLabels["app.kubernetes.io/name"],
        );
      }
      spec.ingress = spec.ingress.filter((rule) => (rule.from ?? []).length > 0);
    });
    const found = await problems(broken);
    expect(found).toContainEqual(
      expect.stringMatching(
        /^network: Deployment\/monitoring\/alloy-gateway -> Deployment\/monitoring\/loki-gateway:8080\/TCP .* is wired but ingress .* denied/,
      ),
    );
  });

  it("catch a plain-text password written into a config", async () => {
    const broken = planted(built, "ConfigMap", "grafana", (cm) => {
      const data = cm.data as Record<string, string>;
      const key = Object.keys(data)[0] as string;
      data[key] = `${data[key]}\n[database]\npassword = hunter2\n`;
    });
    expect(await problems(broken)).toContainEqual(
      expect.stringMatching(
        /^policy: ConfigMap\/monitoring\/grafana: credential: .*password is set to a literal value/,
      ),
    );
  });

  it("catch an unpinned image", async () => {
    const broken = planted(built, "Deployment", "grafana", (d) => {
      const spec = d.spec as { template: { spec: { containers: { image: string }[] } } };
      const container = spec.template.spec.containers[0] as { image: string };
      container.image = container.image.replace(/:[^:/]+$/, ":latest");
    });
    expect(await problems(broken)).toContainEqual(
      expect.stringMatching(/^policy: Deployment\/monitoring\/grafana: image: .*latest/),
    );
  });
});
