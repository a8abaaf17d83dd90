import http from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import {
  backoffDelay,
  type Clock,
  DEFAULT_RETRY,
  parseRetryAfter,
  type RetryPolicy,
  realClock,
} from "./retry.js";

/**
 * A thin HTTP client for the Kubernetes API. Authentication, TLS and proxies
 * come from `@kubernetes/client-node`'s KubeConfig (`applyToHTTPSOptions`);
 * the requests themselves are plain JSON over node:http(s), because apply
 * needs things the generated clients hide: the exact content type of a
 * server-side apply, the raw Status of a 409 (to tell field-manager conflicts
 * from resourceVersion races), Retry-After, and objects passed through
 * untouched (client-node's KubernetesObjectApi re-serialises built-in kinds
 * through its typed models, which drops fields it does not know).
 */

/** The field manager of every server-side apply this tool makes. */
export const FIELD_MANAGER = "materialize-monitoring";

export const APPLY_PATCH_CONTENT_TYPE = "application/apply-patch+yaml";

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** A `meta/v1 Status` as the API server returns it for errors. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; group?: string; causes?: StatusCause[] };
}

export class KubeApiError extends Error {
  readonly statusCode: number;
  readonly reason: string;
  readonly status: KubeStatus;
  readonly method: string;
  readonly path: string;
  constructor(method: string, path: string, statusCode: number, status: KubeStatus) {
    const reason = status.reason ? ` ${status.reason}` : "";
    super(
      `${method} ${path}: ${statusCode}${reason}${status.message ? `: ${status.message}` : ""}`,
    );
    this.name = "KubeApiError";
    this.statusCode = statusCode;
    this.reason = status.reason ?? "";
    this.status = status;
    this.method = method;
    this.path = path;
  }
}

/** The cluster could not be reached at all (DNS, refused, TLS, timeout). */
export class KubeConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KubeConnectionError";
  }
}

/** A 409 from server-side apply that names fields other managers own. */
export function isFieldManagerConflict(error: unknown): error is KubeApiError {
  return (
    error instanceof KubeApiError &&
    error.statusCode === 409 &&
    (error.status.details?.causes ?? []).some((c) => c.reason === "FieldManagerConflict")
  );
}

/**
 * Worth another attempt: throttling (429), server errors (5xx), a 409 that is
 * a resourceVersion race (not a field-manager conflict, not AlreadyExists),
 * and connection failures.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof KubeConnectionError) return true;
  if (!(error instanceof KubeApiError)) return false;
  if (error.statusCode === 429 || error.statusCode >= 500) return true;
  if (error.statusCode === 409)
    return error.reason !== "AlreadyExists" && !isFieldManagerConflict(error);
  return false;
}

export interface KubeRequest {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
}

export interface KubeClient {
  /** The API server URL, e.g. `https://10.0.0.1:6443`. */
  readonly server: string;
  /** The namespace of the kubeconfig context, or `default`. */
  readonly defaultNamespace: string;
  /** Sends one request, with retries; returns the parsed JSON body. Throws KubeApiError. */
  request<T = unknown>(request: KubeRequest): Promise<T>;
}

export interface ClientOptions {
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  /** Source of randomness for jitter; tests pass `() => 0`. */
  random?: () => number;
  /** Timeout of one HTTP request. */
  requestTimeoutMs?: number;
  /** Called before each retry with the attempt that failed and the delay. */
  onRetry?: (info: {
    request: KubeRequest;
    attempt: number;
    delayMs: number;
    error: Error;
  }) => void;
}

export interface KubeConfigOptions {
  /** Path of a kubeconfig file; otherwise $KUBECONFIG, ~/.kube/config or in-cluster. */
  kubeconfig?: string;
  /** A context of the kubeconfig other than its current one. */
  context?: string;
}

/**
 * Loads a kubeconfig like kubectl does, with `--kubeconfig` and `--context`.
 * client-node is imported here, on first use, so commands that never talk to
 * a cluster (render, schema) do not pay for loading it.
 */
export async function loadKubeConfig(options: KubeConfigOptions = {}): Promise<KubeConfig> {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const config = new KubeConfig();
  try {
    if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
    else config.loadFromDefault();
  } catch (error) {
    const where = options.kubeconfig ?? process.env.KUBECONFIG ?? "~/.kube/config";
    throw new KubeConnectionError(
      `cannot read the kubeconfig ${where}: ${(error as Error).message}`,
    );
  }
  if (options.context) {
    if (!config.getContextObject(options.context)) {
      const known = config.getContexts().map((c) => c.name);
      throw new KubeConnectionError(
        `context "${options.context}" is not in the kubeconfig (known: ${known.join(", ") || "none"})`,
      );
    }
    config.setCurrentContext(options.context);
  }
  if (!config.getCurrentCluster()) {
    throw new KubeConnectionError(
      "no cluster configured: set --kubeconfig or KUBECONFIG, or pick one with --context",
    );
  }
  return config;
}

interface RawResponse {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function buildQuery(query: KubeRequest["query"]): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.append(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

async function send(
  config: KubeConfig,
  server: string,
  request: KubeRequest,
  timeoutMs: number,
): Promise<RawResponse> {
  const url = new URL(`${server.replace(/\/+$/, "")}${request.path}${buildQuery(request.query)}`);
  const payload =
    request.body === undefined
      ? undefined
      : typeof request.body === "string"
        ? request.body
        : JSON.stringify(request.body);
  const headers: Record<string, string> = { Accept: "application/json" };
  if (payload !== undefined) {
    headers["Content-Type"] = request.contentType ?? "application/json";
    headers["Content-Length"] = String(Buffer.byteLength(payload));
  }
  const options: https.RequestOptions = { method: request.method, headers };
  try {
    await config.applyToHTTPSOptions(options);
  } catch (error) {
    throw new KubeConnectionError(
      `cannot use the kubeconfig for ${server}: ${(error as Error).message}`,
    );
  }
  const transport = url.protocol === "http:" ? http : https;
  return new Promise<RawResponse>((resolve, reject) => {
    const req = transport.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          statusCode: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", (error) => reject(new KubeConnectionError(error.message)));
    });
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`no answer from ${server} within ${timeoutMs} ms`)),
    );
    req.on("error", (error: NodeJS.ErrnoException) =>
      reject(
        new KubeConnectionError(
          `cannot reach the API server ${server}: ${error.code && !error.message.includes(error.code) ? `${error.code} ` : ""}${error.message}`,
        ),
      ),
    );
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

function parseStatus(body: string, statusCode: number): KubeStatus {
  try {
    const parsed = JSON.parse(body) as KubeStatus;
    if (parsed && typeof parsed === "object") return parsed;
  } catch {
    // not JSON: a proxy or load balancer answered
  }
  return { code: statusCode, message: body.trim().slice(0, 300) || http.STATUS_CODES[statusCode] };
}

/** A client for the cluster of a kubeconfig. */
export function createKubeClient(config: KubeConfig, options: ClientOptions = {}): KubeClient {
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new KubeConnectionError("the kubeconfig has no current cluster");
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const clock = options.clock ?? realClock;
  const random = options.random ?? Math.random;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const context = config.getContextObject(config.getCurrentContext());
  const server = cluster.server;

  async function request<T>(req: KubeRequest): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let error: Error;
      let retryAfterMs: number | undefined;
      try {
        const response = await send(config, server, req, timeoutMs);
        if (response.statusCode >= 200 && response.statusCode < 300) {
          return (response.body ? JSON.parse(response.body) : undefined) as T;
        }
        error = new KubeApiError(
          req.method,
          req.path,
          response.statusCode,
          parseStatus(response.body, response.statusCode),
        );
        retryAfterMs = parseRetryAfter(response.headers["retry-after"]);
      } catch (caught) {
        error = caught instanceof Error ? caught : new Error(String(caught));
      }
      if (attempt >= policy.maxAttempts || !isRetryable(error)) throw error;
      const delayMs = backoffDelay(policy, attempt, random, retryAfterMs);
      options.onRetry?.({ request: req, attempt, delayMs, error });
      await clock.sleep(delayMs);
    }
  }

  return { server, defaultNamespace: context?.namespace || "default", request };
}
