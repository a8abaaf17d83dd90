import { describe, expect, it } from "vitest";
import {
  isRetryable,
  KubeApiError,
  KubeConnectionError,
  loadKubeConfig,
} from "../../src/apply/client.js";
import { createReporter } from "../../src/apply/progress.js";
import type { LiveObject } from "../../src/apply/resources.js";
import {
  backoffDelay,
  backoffSchedule,
  DEFAULT_RETRY,
  parseRetryAfter,
} from "../../src/apply/retry.js";
import { unifiedDiff } from "../../src/apply/textdiff.js";
import {
  crdStatus,
  daemonSetStatus,
  deploymentStatus,
  readiness,
  statefulSetStatus,
} from "../../src/apply/wait.js";
import { harness } from "./helpers.js";

const obj = (
  kind: string,
  spec: unknown,
  status: unknown,
  generation = 2,
  apiVersion = "apps/v1",
): LiveObject => ({
  apiVersion,
  kind,
  metadata: { name: "x", namespace: "monitoring", generation },
  spec,
  status,
});

describe("rollout readiness (kubectl rollout status rules)", () => {
  it("Deployment", () => {
    const d = (status: unknown, replicas = 3) =>
      deploymentStatus(obj("Deployment", { replicas }, status));
    expect(d({ observedGeneration: 1 })).toEqual({
      state: "progressing",
      message: "waiting for the deployment spec update to be observed",
    });
    expect(d({ observedGeneration: 2, updatedReplicas: 1, replicas: 3 }).message).toBe(
      "1 of 3 new replicas updated",
    );
    expect(d({ observedGeneration: 2, updatedReplicas: 3, replicas: 4 }).message).toBe(
      "1 old replicas pending termination",
    );
    expect(
      d({ observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 2 }).message,
    ).toBe("2 of 3 updated replicas available");
    expect(
      d({ observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }).state,
    ).toBe("ready");
    expect(
      d({
        observedGeneration: 2,
        conditions: [
          {
            type: "Progressing",
            status: "False",
            reason: "ProgressDeadlineExceeded",
            message: "ReplicaSet x has timed out",
          },
        ],
      }),
    ).toEqual({
      state: "failed",
      message: "exceeded its progress deadline: ReplicaSet x has timed out",
    });
  });

  it("StatefulSet, with and without a partition", () => {
    const s = (spec: unknown, status: unknown) =>
      statefulSetStatus(obj("StatefulSet", spec, status));
    expect(s({ replicas: 3, updateStrategy: { type: "OnDelete" } }, {}).message).toBe(
      "not waiting: updateStrategy is OnDelete",
    );
    expect(s({ replicas: 3 }, { observedGeneration: 0 }).state).toBe("progressing");
    expect(s({ replicas: 3 }, { observedGeneration: 2, readyReplicas: 2 }).message).toBe(
      "2 of 3 pods ready",
    );
    expect(
      s(
        { replicas: 3 },
        {
          observedGeneration: 2,
          readyReplicas: 3,
          updatedReplicas: 1,
          currentRevision: "a",
          updateRevision: "b",
        },
      ).message,
    ).toBe("1 pods at revision b, waiting for the rest");
    expect(
      s(
        { replicas: 3 },
        { observedGeneration: 2, readyReplicas: 3, currentRevision: "b", updateRevision: "b" },
      ).state,
    ).toBe("ready");
    // The API server defaults rollingUpdate.partition to 0: then updatedReplicas decides, as in kubectl.
    const partitioned = {
      replicas: 3,
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 1 } },
    };
    expect(
      s(partitioned, { observedGeneration: 2, readyReplicas: 3, updatedReplicas: 1 }).message,
    ).toBe("1 of 2 new pods updated");
    expect(
      s(partitioned, { observedGeneration: 2, readyReplicas: 3, updatedReplicas: 2 }).state,
    ).toBe("ready");
  });

  it("DaemonSet", () => {
    const d = (status: unknown, spec: unknown = {}) =>
      daemonSetStatus(obj("DaemonSet", spec, status));
    expect(d({ observedGeneration: 1 }).state).toBe("progressing");
    expect(
      d({ observedGeneration: 2, desiredNumberScheduled: 5, updatedNumberScheduled: 4 }).message,
    ).toBe("4 of 5 new pods updated");
    expect(
      d({
        observedGeneration: 2,
        desiredNumberScheduled: 5,
        updatedNumberScheduled: 5,
        numberAvailable: 4,
      }).message,
    ).toBe("4 of 5 updated pods available");
    expect(
      d({
        observedGeneration: 2,
        desiredNumberScheduled: 5,
        updatedNumberScheduled: 5,
        numberAvailable: 5,
      }).state,
    ).toBe("ready");
    expect(d({}, { updateStrategy: { type: "OnDelete" } }).state).toBe("ready");
  });

  it("CRDs, namespaces, Ready conditions and deletion", () => {
    const crd = (conditions: unknown[]) =>
      crdStatus(obj("CustomResourceDefinition", {}, { conditions }, 1, "apiextensions.k8s.io/v1"));
    expect(crd([]).state).toBe("progressing");
    expect(crd([{ type: "Established", status: "True" }]).state).toBe("ready");
    expect(
      crd([{ type: "NamesAccepted", status: "False", message: '"grafanas" is already in use' }]),
    ).toEqual({
      state: "failed",
      message: 'names not accepted: "grafanas" is already in use',
    });
    expect(readiness(obj("Namespace", {}, { phase: "Terminating" }, 1, "v1")).message).toBe(
      "terminating",
    );
    expect(
      readiness(
        obj(
          "Grafana",
          {},
          { conditions: [{ type: "Ready", status: "False", message: "no db" }] },
          1,
          "grafana.integreatly.org/v1beta1",
        ),
      ),
    ).toEqual({ state: "progressing", message: "not Ready: no db" });
    expect(readiness(obj("ConfigMap", undefined, undefined, 1, "v1"))).toEqual({
      state: "ready",
      message: "exists",
    });
  });
});

describe("retry policy", () => {
  it("doubles from 250 ms up to 8 s over six attempts", () => {
    expect(backoffSchedule(DEFAULT_RETRY)).toEqual([250, 500, 1000, 2000, 4000]);
    expect(backoffSchedule({ ...DEFAULT_RETRY, maxAttempts: 8 })).toEqual([
      250, 500, 1000, 2000, 4000, 8000, 8000,
    ]);
  });

  it("spreads delays with jitter and honours Retry-After, capped", () => {
    expect(backoffDelay(DEFAULT_RETRY, 3, () => 0)).toBe(1000);
    expect(backoffDelay(DEFAULT_RETRY, 3, () => 1)).toBe(500);
    expect(backoffDelay(DEFAULT_RETRY, 1, () => 0, 3000)).toBe(3000);
    expect(backoffDelay(DEFAULT_RETRY, 1, () => 0, 60_000)).toBe(8000);
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter("soon")).toBeUndefined();
  });

  it("retries throttling, server errors, races and connection failures, nothing else", () => {
    const api = (code: number, reason = "", causes?: { reason: string }[]) =>
      new KubeApiError("PATCH", "/x", code, { reason, ...(causes ? { details: { causes } } : {}) });
    expect(isRetryable(api(429))).toBe(true);
    expect(isRetryable(api(503))).toBe(true);
    expect(isRetryable(api(409, "Conflict"))).toBe(true);
    expect(isRetryable(api(409, "Conflict", [{ reason: "FieldManagerConflict" }]))).toBe(false);
    expect(isRetryable(api(409, "AlreadyExists"))).toBe(false);
    expect(isRetryable(api(422, "Invalid"))).toBe(false);
    expect(isRetryable(api(403, "Forbidden"))).toBe(false);
    expect(isRetryable(new KubeConnectionError("refused"))).toBe(true);
  });
});

describe("discovery", () => {
  it("asks each group version once and maps kinds to REST paths", async () => {
    const h = await harness();
    await h.api.get({
      apiVersion: "apps/v1",
      kind: "Deployment",
      namespace: "monitoring",
      name: "a",
    });
    await h.api.get({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      namespace: "monitoring",
      name: "b",
    });
    await h.api.get({ apiVersion: "v1", kind: "Namespace", name: "monitoring" });
    expect(h.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /apis/apps/v1",
      "GET /apis/apps/v1/namespaces/monitoring/deployments/a",
      "GET /apis/apps/v1/namespaces/monitoring/statefulsets/b",
      "GET /api/v1",
      "GET /api/v1/namespaces/monitoring",
    ]);
  });

  it("uses the context's namespace for namespaced objects without one", async () => {
    const h = await harness();
    await h.api.get({ apiVersion: "v1", kind: "ConfigMap", name: "c" });
    expect(h.server.requests.at(-1)?.path).toBe("/api/v1/namespaces/monitoring/configmaps/c");
  });

  it("names a kind that is not served", async () => {
    const h = await harness();
    await expect(
      h.api.get({
        apiVersion: "example.com/v1",
        kind: "Widget",
        namespace: "monitoring",
        name: "w",
      }),
    ).rejects.toThrow(
      "the API server does not serve Widget in example.com/v1 (is its CustomResourceDefinition installed and established?)",
    );
  });
});

describe("unified diff", () => {
  it("is empty for equal texts and shows hunks with context otherwise", () => {
    expect(unifiedDiff("a\nb\n", "a\nb\n", { from: "x", to: "y" })).toBe("");
    const lines = Array.from({ length: 20 }, (_, i) => String(i + 1));
    const before = lines.join("\n");
    const after = [...lines.slice(0, 4), "five", ...lines.slice(5), "21"].join("\n");
    expect(unifiedDiff(before, after, { from: "a", to: "b" })).toBe(
      [
        "--- a",
        "+++ b",
        "@@ -2,7 +2,7 @@",
        " 2",
        " 3",
        " 4",
        "-5",
        "+five",
        " 6",
        " 7",
        " 8",
        "@@ -18,3 +18,4 @@",
        " 18",
        " 19",
        " 20",
        "+21",
        "",
      ].join("\n"),
    );
    // Changes closer than twice the context share one hunk, as in diff -u.
    const near = [
      ...lines.slice(0, 4),
      "five",
      ...lines.slice(5, 10),
      "ten and a half",
      ...lines.slice(10),
    ].join("\n");
    expect(unifiedDiff(before, near, { from: "a", to: "b" }).match(/^@@/gm)).toHaveLength(1);
  });

  it("stays bounded for a complete rewrite", () => {
    const before = Array.from({ length: 3000 }, (_, i) => `old ${i}`).join("\n");
    const after = Array.from({ length: 3000 }, (_, i) => `new ${i}`).join("\n");
    const diff = unifiedDiff(before, after, { from: "a", to: "b" });
    expect(diff.split("\n").filter((l) => l.startsWith("-old")).length).toBe(3000);
    expect(diff.split("\n").filter((l) => l.startsWith("+new")).length).toBe(3000);
  });

  it("handles additions to and removals from empty texts", () => {
    expect(unifiedDiff("", "a\n", { from: "/dev/null", to: "b" })).toBe(
      "--- /dev/null\n+++ b\n@@ -0,0 +1,1 @@\n+a\n",
    );
    expect(unifiedDiff("a\n", "", { from: "a", to: "/dev/null" })).toBe(
      "--- a\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-a\n",
    );
  });
});

describe("progress reporter", () => {
  const ref = { apiVersion: "apps/v1", kind: "Deployment", namespace: "monitoring", name: "loki" };

  it("prints plain lines without escape codes when not on a terminal", () => {
    let out = "";
    const reporter = createReporter({
      mode: "plain",
      out: (s) => (out += s),
      err: (s) => (out += s),
    });
    reporter.emit({
      type: "object",
      ref,
      action: "waiting",
      message: "1 of 3 new replicas updated",
    });
    reporter.emit({ type: "object", ref, action: "ready", message: "rolled out" });
    reporter.close();
    expect(out).toBe(
      "Deployment monitoring/loki waiting: 1 of 3 new replicas updated\nDeployment monitoring/loki ready: rolled out\n",
    );
  });

  it("keeps waiting objects in a live block on a terminal and clears it at the end", () => {
    let out = "";
    const reporter = createReporter({ mode: "tty", out: (s) => (out += s), err: () => {} });
    reporter.emit({ type: "object", ref, action: "waiting", message: "1 of 3" });
    reporter.emit({ type: "object", ref, action: "waiting", message: "2 of 3" });
    reporter.emit({ type: "object", ref, action: "ready", message: "rolled out" });
    reporter.close();
    expect(out).toBe(
      [
        "Deployment monitoring/loki \x1b[36mwaiting\x1b[0m: 1 of 3\n",
        "\x1b[1A\x1b[J",
        "Deployment monitoring/loki \x1b[36mwaiting\x1b[0m: 2 of 3\n",
        "\x1b[1A\x1b[J",
        "Deployment monitoring/loki \x1b[32mready\x1b[0m: rolled out\n",
      ].join(""),
    );
  });
});

describe("kubeconfig", () => {
  it("reports a missing kubeconfig file as a cluster error, not a crash", async () => {
    await expect(loadKubeConfig({ kubeconfig: "/nonexistent/kubeconfig" })).rejects.toThrow(
      /^cannot read the kubeconfig \/nonexistent\/kubeconfig: ENOENT/,
    );
  });

  it("switches context with --context", async () => {
    const h = await harness();
    const config = await loadKubeConfig({ kubeconfig: h.kubeconfig, context: "other" });
    expect(config.getCurrentContext()).toBe("other");
  });
});
