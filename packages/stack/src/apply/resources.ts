import {
  APPLY_PATCH_CONTENT_TYPE,
  FIELD_MANAGER,
  KubeApiError,
  type KubeClient,
} from "./client.js";

/** An object as the API server returns it; only what apply reads is typed. */
export interface LiveObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    generation?: number;
    uid?: string;
    deletionTimestamp?: string;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid?: string }[];
    managedFields?: unknown[];
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** Names one object; the version only says how to talk about it, not which object it is. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export function refOf(object: {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}): ObjectRef {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    name: object.metadata.name,
  };
}

/** `apps` for `apps/v1`, "" for the core group (`v1`). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash === -1 ? "" : apiVersion.slice(0, slash);
}

export function versionOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash === -1 ? apiVersion : apiVersion.slice(slash + 1);
}

/** `Deployment.apps`, or `ConfigMap` for the core group: the ApplySet group-kind format. */
export function groupKind(ref: Pick<ObjectRef, "apiVersion" | "kind">): string {
  const group = groupOf(ref.apiVersion);
  return group ? `${ref.kind}.${group}` : ref.kind;
}

export function parseGroupKind(value: string): { group: string; kind: string } {
  const dot = value.indexOf(".");
  return dot === -1
    ? { group: "", kind: value }
    : { group: value.slice(dot + 1), kind: value.slice(0, dot) };
}

/** Version-independent identity: group, kind, namespace and name. */
export function identity(ref: ObjectRef): string {
  return `${groupKind(ref)}/${ref.namespace ?? ""}/${ref.name}`;
}

/** `Deployment monitoring/loki-write`, `CustomResourceDefinition grafanas.grafana.integreatly.org`. */
export function formatRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  /** The REST resource name, e.g. `deployments`. */
  plural: string;
  namespaced: boolean;
}

/** The kind is not served (yet): a custom resource whose CRD is not installed or not established. */
export class UnknownKindError extends Error {
  readonly apiVersion: string;
  readonly kind: string;
  constructor(apiVersion: string, kind: string) {
    super(
      `the API server does not serve ${kind} in ${apiVersion} (is its CustomResourceDefinition installed and established?)`,
    );
    this.name = "UnknownKindError";
    this.apiVersion = apiVersion;
    this.kind = kind;
  }
}

interface APIResourceList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

interface APIGroupList {
  groups?: { name: string; preferredVersion?: { groupVersion: string; version: string } }[];
}

/**
 * Maps apiVersion + kind to REST paths through API discovery (`/api/v1`,
 * `/apis/<group>/<version>`, `/apis`), cached per group version. A miss is
 * asked again once, so a custom resource works as soon as its CRD is
 * established; `invalidate` forgets what was learned about a group.
 */
export interface Discovery {
  resolve(apiVersion: string, kind: string): Promise<ResourceInfo | undefined>;
  /** For a group-kind without version (ApplySet hints): the group's preferred version. */
  resolveGroupKind(group: string, kind: string): Promise<ResourceInfo | undefined>;
  invalidate(group?: string): void;
}

export function createDiscovery(client: KubeClient): Discovery {
  const lists = new Map<string, APIResourceList | null>();
  const missed = new Set<string>();
  let groups: APIGroupList | undefined;

  function groupVersionPath(apiVersion: string): string {
    return apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  }

  async function fetchList(apiVersion: string): Promise<APIResourceList | null> {
    try {
      return await client.request<APIResourceList>({
        method: "GET",
        path: groupVersionPath(apiVersion),
      });
    } catch (error) {
      if (error instanceof KubeApiError && error.statusCode === 404) return null;
      throw error;
    }
  }

  function find(list: APIResourceList | null, apiVersion: string, kind: string) {
    const resource = list?.resources?.find((r) => r.kind === kind && !r.name.includes("/"));
    if (!resource) return undefined;
    return {
      group: groupOf(apiVersion),
      version: versionOf(apiVersion),
      kind,
      plural: resource.name,
      namespaced: resource.namespaced,
    } satisfies ResourceInfo;
  }

  async function resolve(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    let list = lists.get(apiVersion);
    if (list === undefined) {
      list = await fetchList(apiVersion);
      lists.set(apiVersion, list);
    }
    const found = find(list, apiVersion, kind);
    if (found) return found;
    const key = `${apiVersion}/${kind}`;
    if (missed.has(key)) return undefined;
    // Asked once more: the list may predate a CRD that was established since.
    missed.add(key);
    list = await fetchList(apiVersion);
    lists.set(apiVersion, list);
    return find(list, apiVersion, kind);
  }

  async function resolveGroupKind(group: string, kind: string) {
    if (group === "") return resolve("v1", kind);
    groups ??= await client.request<APIGroupList>({ method: "GET", path: "/apis" });
    const preferred = groups.groups?.find((g) => g.name === group)?.preferredVersion;
    return preferred ? resolve(preferred.groupVersion, kind) : undefined;
  }

  function invalidate(group?: string) {
    groups = undefined;
    for (const apiVersion of [...lists.keys()]) {
      if (group === undefined || groupOf(apiVersion) === group) lists.delete(apiVersion);
    }
    for (const key of [...missed]) {
      if (group === undefined || groupOf(key.slice(0, key.lastIndexOf("/"))) === group)
        missed.delete(key);
    }
  }

  return { resolve, resolveGroupKind, invalidate };
}

function basePath(info: ResourceInfo): string {
  return info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
}

export function collectionPath(info: ResourceInfo, namespace?: string): string {
  const scope = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${basePath(info)}${scope}/${info.plural}`;
}

export function objectPath(
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
): string {
  return `${collectionPath(info, namespace)}/${encodeURIComponent(name)}`;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
}

export interface ApplyPatchOptions extends WriteOptions {
  /** `force=true`: take over fields other managers own. Only with an explicit --force-conflicts. */
  force?: boolean;
}

export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
}

/** Object-level API calls on top of discovery: GET, server-side apply, POST, DELETE, LIST. */
export interface ResourceApi {
  readonly client: KubeClient;
  readonly discovery: Discovery;
  /** Throws UnknownKindError when the kind is not served. */
  info(ref: Pick<ObjectRef, "apiVersion" | "kind">): Promise<ResourceInfo>;
  /** The namespace an object lives in: its own, or the context's for namespaced kinds without one. */
  namespaceOf(ref: ObjectRef): Promise<string | undefined>;
  get(ref: ObjectRef): Promise<LiveObject | undefined>;
  apply(object: LiveObject, options?: ApplyPatchOptions): Promise<LiveObject>;
  create(object: LiveObject, options?: WriteOptions): Promise<LiveObject>;
  /** Returns false when the object was already gone. */
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<boolean>;
  list(
    info: ResourceInfo,
    options: { namespace?: string; labelSelector?: string },
  ): Promise<LiveObject[]>;
}

export function createResourceApi(
  client: KubeClient,
  discovery: Discovery = createDiscovery(client),
): ResourceApi {
  async function info(ref: Pick<ObjectRef, "apiVersion" | "kind">): Promise<ResourceInfo> {
    const found = await discovery.resolve(ref.apiVersion, ref.kind);
    if (!found) throw new UnknownKindError(ref.apiVersion, ref.kind);
    return found;
  }

  async function pathOf(ref: ObjectRef): Promise<{ resource: ResourceInfo; path: string }> {
    const resource = await info(ref);
    const namespace = resource.namespaced ? (ref.namespace ?? client.defaultNamespace) : undefined;
    return { resource, path: objectPath(resource, namespace, ref.name) };
  }

  function writeQuery(options: WriteOptions = {}) {
    return {
      fieldManager: options.fieldManager ?? FIELD_MANAGER,
      ...(options.dryRun ? { dryRun: "All" } : {}),
    };
  }

  const api: ResourceApi = {
    client,
    discovery,
    info,
    async namespaceOf(ref) {
      const resource = await info(ref);
      return resource.namespaced ? (ref.namespace ?? client.defaultNamespace) : undefined;
    },
    async get(ref) {
      const { path } = await pathOf(ref);
      try {
        return await client.request<LiveObject>({ method: "GET", path });
      } catch (error) {
        if (error instanceof KubeApiError && error.statusCode === 404) return undefined;
        throw error;
      }
    },
    async apply(object, options = {}) {
      const ref = refOf(object);
      const { resource, path } = await pathOf(ref);
      const body = resource.namespaced
        ? {
            ...object,
            metadata: { ...object.metadata, namespace: ref.namespace ?? client.defaultNamespace },
          }
        : object;
      return client.request<LiveObject>({
        method: "PATCH",
        path,
        query: { ...writeQuery(options), ...(options.force ? { force: "true" } : {}) },
        body,
        contentType: APPLY_PATCH_CONTENT_TYPE,
      });
    },
    async create(object, options = {}) {
      const ref = refOf(object);
      const resource = await info(ref);
      const namespace = resource.namespaced
        ? (ref.namespace ?? client.defaultNamespace)
        : undefined;
      return client.request<LiveObject>({
        method: "POST",
        path: collectionPath(resource, namespace),
        query: writeQuery(options),
        body: object,
      });
    },
    async delete(ref, options = {}) {
      const { path } = await pathOf(ref);
      try {
        await client.request({
          method: "DELETE",
          path,
          query: {
            propagationPolicy: options.propagationPolicy ?? "Background",
            ...(options.dryRun ? { dryRun: "All" } : {}),
          },
        });
        return true;
      } catch (error) {
        if (error instanceof KubeApiError && error.statusCode === 404) return false;
        throw error;
      }
    },
    async list(resource, options) {
      const items: LiveObject[] = [];
      let continueToken: string | undefined;
      do {
        const page = await client.request<{
          apiVersion?: string;
          items?: LiveObject[];
          metadata?: { continue?: string };
        }>({
          method: "GET",
          path: collectionPath(resource, options.namespace),
          query: { labelSelector: options.labelSelector, limit: "500", continue: continueToken },
        });
        const apiVersion = resource.group
          ? `${resource.group}/${resource.version}`
          : resource.version;
        // List items may omit apiVersion/kind; they are those of the list.
        for (const item of page.items ?? [])
          items.push({ ...item, apiVersion, kind: resource.kind });
        continueToken = page.metadata?.continue || undefined;
      } while (continueToken);
      return items;
    },
  };
  return api;
}
