/**
 * A loopback stand-in for the Kubernetes API server: node:http on
 * 127.0.0.1 with a random port. It implements just enough for apply, diff,
 * status and uninstall (discovery, GET, server-side apply PATCH, POST,
 * DELETE, LIST by label selector, CRDs that become Established after some
 * polls, workloads whose status rolls out after some polls, injected faults)
 * and records every request, so tests assert on the real HTTP traffic.
 *
 * It is not a Kubernetes API server: server-side apply here replaces the
 * object with the applied one (no field merging between managers), and
 * conflicts are injected by tests rather than computed from managedFields.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  authorization?: string;
  body?: Record<string, unknown>;
}

interface Resource {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

type Obj = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown> & {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
    generation?: number;
    deletionTimestamp?: string;
    finalizers?: string[];
  };
};

interface Stored {
  object: Obj;
  /** GETs since the last change, for simulated progress. */
  polls: number;
  /** GETs left until a pending deletion completes; undefined when not being deleted. */
  deleteIn?: number;
}

export interface Fault {
  method?: string;
  /** Matches when the request path includes this. */
  path?: string;
  status: number;
  reason?: string;
  message?: string;
  causes?: { reason: string; message: string; field: string }[];
  headers?: Record<string, string>;
  times: number;
}

const BUILTIN: Resource[] = [
  { group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false },
  { group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true },
  { group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true },
  { group: "", version: "v1", kind: "Service", plural: "services", namespaced: true },
  { group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true },
  {
    group: "",
    version: "v1",
    kind: "PersistentVolumeClaim",
    plural: "persistentvolumeclaims",
    namespaced: true,
  },
  { group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true },
  { group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true },
  { group: "apps", version: "v1", kind: "StatefulSet", plural: "statefulsets", namespaced: true },
  { group: "apps", version: "v1", kind: "DaemonSet", plural: "daemonsets", namespaced: true },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    kind: "ClusterRole",
    plural: "clusterroles",
    namespaced: false,
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    kind: "ClusterRoleBinding",
    plural: "clusterrolebindings",
    namespaced: false,
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    kind: "Role",
    plural: "roles",
    namespaced: true,
  },
  {
    group: "apiextensions.k8s.io",
    version: "v1",
    kind: "CustomResourceDefinition",
    plural: "customresourcedefinitions",
    namespaced: false,
  },
  {
    group: "policy",
    version: "v1",
    kind: "PodDisruptionBudget",
    plural: "poddisruptionbudgets",
    namespaced: true,
  },
  {
    group: "networking.k8s.io",
    version: "v1",
    kind: "NetworkPolicy",
    plural: "networkpolicies",
    namespaced: true,
  },
  {
    group: "scheduling.k8s.io",
    version: "v1",
    kind: "PriorityClass",
    plural: "priorityclasses",
    namespaced: false,
  },
];

const SERVER_FIELDS = [
  "managedFields",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "uid",
];

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

function content(object: Obj): string {
  const { status: _s, metadata, ...rest } = object;
  const meta = { ...metadata } as Record<string, unknown>;
  for (const field of SERVER_FIELDS) delete meta[field];
  return stable({ ...rest, metadata: meta });
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? (apiVersion.split("/")[0] ?? "") : "";
}

function matchesSelector(labels: Record<string, string> | undefined, selector: string): boolean {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const [key, value] = term.split("=");
    if (value === undefined) return labels?.[key ?? ""] !== undefined;
    return labels?.[key ?? ""] === value;
  });
}

export interface FakeApiOptions {
  /** GETs of a new CRD before it reports Established. */
  crdEstablishAfterPolls?: number;
  /** GETs of a changed workload before its status says rolled out. */
  rolloutAfterPolls?: number;
}

export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  readonly store = new Map<string, Stored>();
  readonly faults: Fault[] = [];
  /** SSA conflicts by object key (`group/Kind/ns/name`), returned unless force=true. */
  readonly conflicts = new Map<string, { manager: string; field: string }[]>();
  /** Objects whose deletion takes this many GETs, by kind. */
  readonly deletionPolls = new Map<string, number>();
  private readonly custom: Resource[] = [];
  private server: http.Server | undefined;
  private revision = 100;
  private readonly options: Required<FakeApiOptions>;
  url = "";
  token = "loopback-test-token";

  constructor(options: FakeApiOptions = {}) {
    this.options = { crdEstablishAfterPolls: 2, rolloutAfterPolls: 2, ...options };
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        try {
          this.handle(req, Buffer.concat(chunks).toString("utf8"), res);
        } catch (error) {
          this.send(res, 500, this.status(500, "InternalError", String(error)));
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const address = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${address.port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** A kubeconfig file pointing at this server (plain http needs insecure-skip-tls-verify). */
  writeKubeconfig(): string {
    const dir = mkdtempSync(join(tmpdir(), "mzmon-kubeconfig-"));
    const file = join(dir, "config");
    writeFileSync(
      file,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "  - name: loopback",
        "    cluster:",
        `      server: ${this.url}`,
        "      insecure-skip-tls-verify: true",
        "users:",
        "  - name: tester",
        "    user:",
        `      token: ${this.token}`,
        "contexts:",
        "  - name: loopback",
        "    context: { cluster: loopback, user: tester, namespace: monitoring }",
        "  - name: other",
        "    context: { cluster: loopback, user: tester, namespace: elsewhere }",
        "current-context: loopback",
        "",
      ].join("\n"),
    );
    return file;
  }

  fail(fault: Omit<Fault, "times"> & { times?: number }): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** Puts an object into the store as if someone else had created it. */
  seed(object: Obj): void {
    const resource = this.resourceFor(object.apiVersion, object.kind);
    if (!resource) throw new Error(`fake API: unknown kind ${object.kind}`);
    const stored = this.persist(resource, structuredClone(object), "someone-else");
    if (object.status) stored.object.status = structuredClone(object.status);
    if (object.kind === "CustomResourceDefinition") this.establish(stored.object);
  }

  keyOf(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
    return `${groupOf(apiVersion)}/${kind}/${namespace ?? ""}/${name}`;
  }

  get(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): Obj | undefined {
    return this.store.get(this.keyOf(apiVersion, kind, namespace, name))?.object;
  }

  /** Requests that changed something or would have (not discovery, not reads). */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== "GET");
  }

  // --- internals -----------------------------------------------------------------------------

  private resources(): Resource[] {
    return [...BUILTIN, ...this.custom];
  }

  private resourceFor(apiVersion: string, kind: string): Resource | undefined {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    return this.resources().find(
      (r) => r.group === group && r.version === version && r.kind === kind,
    );
  }

  private status(code: number, reason: string, message: string, details?: unknown) {
    return {
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      code,
      reason,
      message,
      ...(details ? { details } : {}),
    };
  }

  private send(
    res: http.ServerResponse,
    code: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    const text = JSON.stringify(body);
    res.writeHead(code, { "Content-Type": "application/json", ...headers });
    res.end(text);
  }

  private establish(crd: Obj): void {
    const spec = crd.spec as {
      group: string;
      names: { kind: string; plural: string };
      scope: string;
      versions: { name: string; served?: boolean }[];
    };
    for (const version of spec.versions) {
      if (
        !this.custom.some(
          (r) => r.group === spec.group && r.version === version.name && r.kind === spec.names.kind,
        )
      ) {
        this.custom.push({
          group: spec.group,
          version: version.name,
          kind: spec.names.kind,
          plural: spec.names.plural,
          namespaced: spec.scope === "Namespaced",
        });
      }
    }
    crd.status = {
      conditions: [
        { type: "NamesAccepted", status: "True", reason: "NoConflicts" },
        { type: "Established", status: "True", reason: "InitialNamesAccepted" },
      ],
    };
  }

  private simulate(stored: Stored): void {
    const object = stored.object;
    stored.polls++;
    if (stored.deleteIn !== undefined) {
      stored.deleteIn--;
      if (stored.deleteIn <= 0) {
        this.store.delete(
          this.keyOf(
            object.apiVersion,
            object.kind,
            object.metadata.namespace,
            object.metadata.name,
          ),
        );
      }
      return;
    }
    if (
      object.kind === "CustomResourceDefinition" &&
      !(object.status as { conditions?: unknown[] })?.conditions?.length
    ) {
      if (stored.polls >= this.options.crdEstablishAfterPolls) this.establish(object);
      return;
    }
    if (object.apiVersion === "apps/v1")
      this.workloadStatus(object, stored.polls >= this.options.rolloutAfterPolls);
  }

  /** A workload's status: rolling (some replicas updated, none available) or rolled out. */
  private workloadStatus(object: Obj, done: boolean): void {
    const generation = object.metadata.generation ?? 1;
    const replicas = (object.spec as { replicas?: number } | undefined)?.replicas ?? 1;
    if (object.kind === "Deployment") {
      object.status = done
        ? {
            observedGeneration: generation,
            replicas,
            updatedReplicas: replicas,
            readyReplicas: replicas,
            availableReplicas: replicas,
          }
        : {
            observedGeneration: generation,
            replicas: replicas + 1,
            updatedReplicas: 1,
            availableReplicas: 0,
          };
    } else if (object.kind === "StatefulSet") {
      object.status = done
        ? {
            observedGeneration: generation,
            replicas,
            readyReplicas: replicas,
            updatedReplicas: replicas,
            currentRevision: `r${generation}`,
            updateRevision: `r${generation}`,
          }
        : {
            observedGeneration: generation,
            replicas,
            readyReplicas: 0,
            updatedReplicas: 0,
            currentRevision: `r${generation - 1}`,
            updateRevision: `r${generation}`,
          };
    } else if (object.kind === "DaemonSet") {
      object.status = done
        ? {
            observedGeneration: generation,
            desiredNumberScheduled: 3,
            updatedNumberScheduled: 3,
            numberAvailable: 3,
          }
        : {
            observedGeneration: generation,
            desiredNumberScheduled: 3,
            updatedNumberScheduled: 1,
            numberAvailable: 0,
          };
    }
  }

  private persist(resource: Resource, object: Obj, manager: string, dryRun = false): Stored {
    const key = this.keyOf(
      object.apiVersion,
      object.kind,
      object.metadata.namespace,
      object.metadata.name,
    );
    const existing = this.store.get(key);
    if (object.kind === "Secret" && object.stringData) {
      const data = { ...(object.data as Record<string, string> | undefined) };
      for (const [k, v] of Object.entries(object.stringData as Record<string, string>)) {
        data[k] = Buffer.from(v).toString("base64");
      }
      object.data = data;
      delete object.stringData;
    }
    const previous = existing?.object;
    const changed = !previous || content(previous) !== content(object);
    const specChanged = !previous || stable(previous.spec) !== stable(object.spec);
    const generation = (previous?.metadata.generation ?? 0) + (specChanged ? 1 : 0);
    const next: Obj = {
      ...object,
      apiVersion: `${resource.group ? `${resource.group}/` : ""}${resource.version}`,
      metadata: {
        ...object.metadata,
        uid:
          (previous?.metadata.uid as string | undefined) ??
          createHash("sha1").update(key).digest("hex").slice(0, 12),
        creationTimestamp:
          (previous?.metadata.creationTimestamp as string | undefined) ?? "2024-01-01T00:00:00Z",
        generation,
        resourceVersion: dryRun
          ? previous?.metadata.resourceVersion
          : changed
            ? String(++this.revision)
            : previous?.metadata.resourceVersion,
        managedFields: [{ manager, operation: "Apply", apiVersion: object.apiVersion }],
      },
      ...(previous?.status ? { status: previous.status } : {}),
    };
    if (next.metadata.resourceVersion === undefined) delete next.metadata.resourceVersion;
    const stored: Stored = { object: next, polls: changed ? 0 : (existing?.polls ?? 0) };
    if (!dryRun) {
      this.store.set(key, stored);
      if (changed && next.kind === "CustomResourceDefinition") next.status = { conditions: [] };
      if (changed && next.apiVersion === "apps/v1") this.workloadStatus(next, false);
    }
    return stored;
  }

  private parsePath(
    path: string,
  ):
    | { kind: "discovery"; body: unknown }
    | { kind: "notfound" }
    | { kind: "resource"; resource: Resource; namespace?: string; name?: string } {
    const segments = path.split("/").filter(Boolean);
    if (path === "/apis") {
      const groups = new Map<string, string[]>();
      for (const r of this.resources()) {
        if (!r.group) continue;
        groups.set(r.group, [...new Set([...(groups.get(r.group) ?? []), r.version])]);
      }
      return {
        kind: "discovery",
        body: {
          kind: "APIGroupList",
          groups: [...groups].map(([name, versions]) => ({
            name,
            versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
            preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
          })),
        },
      };
    }
    let group = "";
    let version = "";
    let rest: string[];
    if (segments[0] === "api") {
      version = segments[1] ?? "";
      rest = segments.slice(2);
    } else if (segments[0] === "apis") {
      group = segments[1] ?? "";
      version = segments[2] ?? "";
      rest = segments.slice(3);
    } else return { kind: "notfound" };
    const served = this.resources().filter((r) => r.group === group && r.version === version);
    if (rest.length === 0) {
      if (served.length === 0) return { kind: "notfound" };
      return {
        kind: "discovery",
        body: {
          kind: "APIResourceList",
          groupVersion: group ? `${group}/${version}` : version,
          resources: served.flatMap((r) => [
            {
              name: r.plural,
              kind: r.kind,
              namespaced: r.namespaced,
              verbs: ["get", "list", "patch", "delete"],
            },
            { name: `${r.plural}/status`, kind: r.kind, namespaced: r.namespaced, verbs: ["get"] },
          ]),
        },
      };
    }
    let namespace: string | undefined;
    if (rest[0] === "namespaces" && rest.length >= 3) {
      namespace = decodeURIComponent(rest[1] ?? "");
      rest = rest.slice(2);
    }
    const resource = served.find((r) => r.plural === rest[0]);
    if (!resource) return { kind: "notfound" };
    const name = rest[1] ? decodeURIComponent(rest[1]) : undefined;
    return {
      kind: "resource",
      resource,
      ...(namespace ? { namespace } : {}),
      ...(name ? { name } : {}),
    };
  }

  private handle(req: http.IncomingMessage, text: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", this.url);
    const method = req.method ?? "GET";
    const query = Object.fromEntries(url.searchParams);
    let body: Record<string, unknown> | undefined;
    if (text) {
      body = (req.headers["content-type"] ?? "").includes("yaml")
        ? (parseYaml(text) as Record<string, unknown>)
        : (JSON.parse(text) as Record<string, unknown>);
    }
    this.requests.push({
      method,
      path: url.pathname,
      query,
      ...(req.headers["content-type"] ? { contentType: req.headers["content-type"] } : {}),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(body ? { body } : {}),
    });
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      this.send(res, 401, this.status(401, "Unauthorized", "Unauthorized"));
      return;
    }
    const fault = this.faults.find(
      (f) =>
        f.times > 0 &&
        (!f.method || f.method === method) &&
        (!f.path || url.pathname.includes(f.path)),
    );
    if (fault) {
      fault.times--;
      this.send(
        res,
        fault.status,
        this.status(
          fault.status,
          fault.reason ?? "",
          fault.message ?? "injected fault",
          fault.causes ? { causes: fault.causes } : undefined,
        ),
        fault.headers,
      );
      return;
    }
    const route = this.parsePath(url.pathname);
    if (route.kind === "notfound") {
      this.send(
        res,
        404,
        this.status(
          404,
          "NotFound",
          `the server could not find the requested resource (${url.pathname})`,
        ),
      );
      return;
    }
    if (route.kind === "discovery") {
      this.send(res, 200, route.body);
      return;
    }
    const { resource, namespace, name } = route;
    const apiVersion = `${resource.group ? `${resource.group}/` : ""}${resource.version}`;
    const key = name
      ? this.keyOf(apiVersion, resource.kind, resource.namespaced ? namespace : undefined, name)
      : "";
    const dryRun = query.dryRun === "All";
    const notFound = () =>
      this.send(
        res,
        404,
        this.status(404, "NotFound", `${resource.plural} "${name}" not found`, {
          name,
          kind: resource.plural,
        }),
      );
    const namespaceMissing = (ns: string | undefined) =>
      resource.namespaced &&
      ns !== undefined &&
      !this.store.has(this.keyOf("v1", "Namespace", undefined, ns));

    if (method === "GET" && name) {
      const stored = this.store.get(key);
      if (!stored) {
        notFound();
        return;
      }
      this.simulate(stored);
      if (!this.store.has(key)) {
        notFound();
        return;
      }
      this.send(res, 200, stored.object);
      return;
    }
    if (method === "GET") {
      const selector = query.labelSelector ?? "";
      const items = [...this.store.values()]
        .map((s) => s.object)
        .filter(
          (o) =>
            o.kind === resource.kind &&
            groupOf(o.apiVersion) === resource.group &&
            (!namespace || o.metadata.namespace === namespace) &&
            matchesSelector(o.metadata.labels, selector),
        )
        // Real lists leave apiVersion and kind off the items.
        .map(({ apiVersion: _a, kind: _k, ...item }) => item);
      this.send(res, 200, {
        kind: `${resource.kind}List`,
        apiVersion,
        metadata: { resourceVersion: String(this.revision) },
        items,
      });
      return;
    }
    if (method === "PATCH") {
      if (req.headers["content-type"] !== "application/apply-patch+yaml") {
        this.send(
          res,
          415,
          this.status(
            415,
            "UnsupportedMediaType",
            `the body of the request was in an unknown format - accepted media types include: application/apply-patch+yaml`,
          ),
        );
        return;
      }
      if (!query.fieldManager) {
        this.send(
          res,
          422,
          this.status(
            422,
            "Invalid",
            'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
          ),
        );
        return;
      }
      const object = body as Obj;
      if (object.kind !== resource.kind || object.metadata?.name !== name) {
        this.send(
          res,
          400,
          this.status(400, "BadRequest", "the name or kind of the object does not match the URL"),
        );
        return;
      }
      if (namespaceMissing(namespace)) {
        this.send(
          res,
          404,
          this.status(404, "NotFound", `namespaces "${namespace}" not found`, {
            name: namespace,
            kind: "namespaces",
          }),
        );
        return;
      }
      const conflicts = this.conflicts.get(key);
      if (conflicts && query.force !== "true") {
        this.send(
          res,
          409,
          this.status(409, "Conflict", `Apply failed with ${conflicts.length} conflict(s)`, {
            causes: conflicts.map((c) => ({
              reason: "FieldManagerConflict",
              message: `conflict with "${c.manager}" using ${apiVersion}`,
              field: c.field,
            })),
          }),
        );
        return;
      }
      const created = !this.store.has(key);
      const stored = this.persist(resource, structuredClone(object), query.fieldManager, dryRun);
      this.send(res, created ? 201 : 200, stored.object);
      return;
    }
    if (method === "POST") {
      const object = body as Obj;
      const postKey = this.keyOf(apiVersion, resource.kind, namespace, object.metadata.name);
      if (namespaceMissing(namespace)) {
        this.send(res, 404, this.status(404, "NotFound", `namespaces "${namespace}" not found`));
        return;
      }
      if (this.store.has(postKey)) {
        this.send(
          res,
          409,
          this.status(
            409,
            "AlreadyExists",
            `${resource.plural} "${object.metadata.name}" already exists`,
          ),
        );
        return;
      }
      const stored = this.persist(
        resource,
        structuredClone({ ...object, metadata: { ...object.metadata, namespace } }),
        query.fieldManager ?? "unknown",
        dryRun,
      );
      this.send(res, 201, stored.object);
      return;
    }
    if (method === "DELETE") {
      const stored = this.store.get(key);
      if (!stored) {
        notFound();
        return;
      }
      if (!dryRun) {
        const polls = this.deletionPolls.get(resource.kind);
        if (polls && polls > 0) {
          stored.deleteIn = polls;
          stored.object.metadata.deletionTimestamp = "2024-01-01T00:00:00Z";
        } else this.store.delete(key);
      }
      this.send(res, 200, {
        kind: "Status",
        apiVersion: "v1",
        status: "Success",
        details: { name, kind: resource.plural },
      });
      return;
    }
    this.send(res, 405, this.status(405, "MethodNotAllowed", method));
  }
}

export interface FakeClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  sleeps: number[];
}

/** Time that passes only when slept: waits and backoff are instant and recorded. */
export function fakeClock(): FakeClock {
  let time = 0;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleep: async (ms) => {
      sleeps.push(ms);
      time += ms;
    },
    sleeps,
  };
}
