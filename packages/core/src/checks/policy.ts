/**
 * Policy checks over rendered objects: Pod Security Standards "restricted",
 * resource requests, limits and probes, PDBs and spreading for replicated
 * workloads, pinned images, and no credential in plain text.
 */
import type { Container, KubeObject, PodSpec } from "../k8s.js";
import { objectKey } from "../k8s.js";
import { selectorMatches } from "../selectors.js";
import { quantityValue } from "../values.js";
import { allContainers, type PodInfo, podsOf } from "./pods.js";

export type PodSecurityCheck =
  | "hostNamespaces"
  | "privileged"
  | "capabilities"
  | "hostPathVolumes"
  | "hostPorts"
  | "volumeTypes"
  | "allowPrivilegeEscalation"
  | "runAsNonRoot"
  | "runAsUser"
  | "seccompProfile"
  | "procMount"
  | "sysctls";

export interface PolicyProblem {
  check:
    | PodSecurityCheck
    | "requests"
    | "memoryLimit"
    | "requestAboveLimit"
    | "probes"
    | "pdb"
    | "spread"
    | "image"
    | "credential";
  object: string;
  message: string;
}

/** A documented departure from a policy: which workload, which check, and why it is needed. */
export interface PolicyException {
  /** `Kind/namespace/name` of the workload (or object) */
  object: string;
  check: PolicyProblem["check"];
  reason: string;
}

const RESTRICTED_VOLUME_TYPES = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
];
const SAFE_SYSCTLS = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
];

/** Pod Security Standards, restricted profile (Kubernetes v1.30), for one pod template. */
export function podSecurityProblems(pod: PodInfo): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const fail = (check: PodSecurityCheck, message: string) =>
    problems.push({ check, object: pod.owner, message });
  const spec: PodSpec = pod.spec;
  const containers = allContainers(spec);
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) {
    fail(
      "hostNamespaces",
      `uses host namespaces (${["hostNetwork", "hostPID", "hostIPC"].filter((k) => spec[k as keyof PodSpec]).join(", ")})`,
    );
  }
  for (const volume of spec.volumes ?? []) {
    if (volume.hostPath)
      fail("hostPathVolumes", `volume ${volume.name} is a hostPath (${volume.hostPath.path})`);
    const type = Object.keys(volume).find((k) => k !== "name");
    if (type && !RESTRICTED_VOLUME_TYPES.includes(type))
      fail("volumeTypes", `volume ${volume.name} has type ${type}`);
  }
  for (const sysctl of spec.securityContext?.sysctls ?? []) {
    if (!SAFE_SYSCTLS.includes(sysctl.name)) fail("sysctls", `unsafe sysctl ${sysctl.name}`);
  }
  const podSc = spec.securityContext ?? {};
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) fail("privileged", `container ${c.name} is privileged`);
    if (sc.allowPrivilegeEscalation !== false)
      fail(
        "allowPrivilegeEscalation",
        `container ${c.name} must set allowPrivilegeEscalation: false`,
      );
    const drop = sc.capabilities?.drop ?? [];
    if (!drop.includes("ALL"))
      fail("capabilities", `container ${c.name} must drop ALL capabilities`);
    const added = (sc.capabilities?.add ?? []).filter((cap) => cap !== "NET_BIND_SERVICE");
    if (added.length > 0) fail("capabilities", `container ${c.name} adds ${added.join(", ")}`);
    for (const port of c.ports ?? []) {
      if (port.hostPort) fail("hostPorts", `container ${c.name} uses hostPort ${port.hostPort}`);
    }
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true)
      fail("runAsNonRoot", `container ${c.name} must run as non-root`);
    if ((sc.runAsUser ?? podSc.runAsUser) === 0)
      fail("runAsUser", `container ${c.name} runs as UID 0`);
    const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
      fail(
        "seccompProfile",
        `container ${c.name} must use the RuntimeDefault or a Localhost seccomp profile`,
      );
    }
    if (sc.procMount && sc.procMount !== "Default")
      fail("procMount", `container ${c.name} uses procMount ${sc.procMount}`);
  }
  return problems;
}

function containerProblems(pod: PodInfo, c: Container, init: boolean): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const requests = c.resources?.requests ?? {};
  if (!requests.cpu || !requests.memory) {
    problems.push({
      check: "requests",
      object: pod.owner,
      message: `container ${c.name} needs cpu and memory requests`,
    });
  }
  for (const [key, limit] of Object.entries(c.resources?.limits ?? {})) {
    const request = (requests as Record<string, string | number | undefined>)[key];
    if (request === undefined || limit === undefined) continue;
    if (quantityValue(request) > quantityValue(limit)) {
      problems.push({
        check: "requestAboveLimit",
        object: pod.owner,
        message: `container ${c.name}: the ${key} request ${request} is above its limit ${limit} (the API server refuses it)`,
      });
    }
  }
  if (!c.resources?.limits?.memory) {
    problems.push({
      check: "memoryLimit",
      object: pod.owner,
      message: `container ${c.name} needs a memory limit`,
    });
  }
  if (!init && (!c.livenessProbe || !c.readinessProbe)) {
    problems.push({
      check: "probes",
      object: pod.owner,
      message: `container ${c.name} needs liveness and readiness probes`,
    });
  }
  return problems;
}

/** Images pinned by a tag (not `latest`) or a digest. */
export function imageProblem(owner: string, image: string | undefined): PolicyProblem | undefined {
  if (!image) return { check: "image", object: owner, message: "container without an image" };
  if (image.includes("@sha256:")) return undefined;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const tag = lastSegment.includes(":")
    ? lastSegment.slice(lastSegment.indexOf(":") + 1)
    : undefined;
  if (!tag)
    return { check: "image", object: owner, message: `image ${image} has no tag or digest` };
  if (tag === "latest")
    return { check: "image", object: owner, message: `image ${image} uses the latest tag` };
  return undefined;
}

/** Key names whose values must never be literal in rendered output. */
const SENSITIVE_KEY =
  /(pass(word|wd)?|secret|token|api[_-]?key|access[_-]?key([_-]?id)?|private[_-]?key|credential|auth[_-]?key|routing[_-]?key|service[_-]?key)$/i;
/** Values that look like real credentials wherever they appear. */
const SECRET_VALUE_PATTERNS: [string, RegExp][] = [
  ["AWS access key id", /\bAKIA[0-9A-Z]{16}\b/],
  ["private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["Slack token", /\bxox[abprs]-[0-9A-Za-z-]{10,}/],
  ["Slack webhook URL", /hooks\.slack\.com\/services\/T[0-9A-Z]+\/B[0-9A-Z]+\/[0-9A-Za-z]+/],
  ["GitHub token", /\bgh[pousr]_[0-9A-Za-z]{36}\b/],
  ["Google API key", /\bAIza[0-9A-Za-z_-]{35}\b/],
  ["credentials in URL", /[a-z][a-z0-9+.-]*:\/\/[^\s:/@"'$]+:[^\s@/"'$]{3,}@/i],
];
/** A value that only points at a secret (a file path, an env expansion, a reference) is fine. */
function isReference(value: string): boolean {
  return (
    value === "" ||
    /^(true|false|null|\d+)$/i.test(value) ||
    /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(value) ||
    // Kubernetes' and Thanos' environment substitution: the value comes from a Secret-backed env var.
    /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(value) ||
    /^\$__(file|env)\{[^}]+\}$/.test(value) ||
    /^(env|sys\.env|local\.file|remote\.kubernetes\.secret)\b/.test(value) ||
    value.startsWith("/")
  );
}

function scanText(text: string, where: string, object: string, problems: PolicyProblem[]): void {
  for (const [what, pattern] of SECRET_VALUE_PATTERNS) {
    if (pattern.test(text))
      problems.push({
        check: "credential",
        object,
        message: `${where} holds what looks like a ${what}`,
      });
  }
  // key: value / key = "value" / key=value pairs inside config text
  for (const match of text.matchAll(
    /(^|[\s{,;"'])([A-Za-z_][A-Za-z0-9_.-]*)\s*[:=]\s*"?([^\s"',}\n]+)"?/gm,
  )) {
    const key = match[2] as string;
    const value = match[3] as string;
    if (
      SENSITIVE_KEY.test(key) &&
      !/_file$|_path$|File$|Path$|_env$|Ref$|_ref$/.test(key) &&
      !isReference(value)
    ) {
      problems.push({
        check: "credential",
        object,
        message: `${where}: ${key} is set to a literal value`,
      });
    }
  }
}

/** Scans every rendered string for credentials in plain text. */
export function credentialProblems(objects: readonly KubeObject[]): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  for (const object of objects) {
    const key = objectKey(object);
    if (object.kind === "Secret") {
      const record = object as {
        data?: Record<string, string>;
        stringData?: Record<string, string>;
      };
      for (const [name, value] of Object.entries({ ...(record.stringData ?? {}) }))
        scanText(value, `Secret key ${name}`, key, problems);
      for (const [name, value] of Object.entries(record.data ?? {})) {
        scanText(
          Buffer.from(value, "base64").toString("utf8"),
          `Secret key ${name}`,
          key,
          problems,
        );
      }
    }
    const walk = (value: unknown, path: string) => {
      if (typeof value === "string") {
        scanText(value, path, key, problems);
        return;
      }
      if (Array.isArray(value)) {
        for (const [i, v] of value.entries()) walk(v, `${path}[${i}]`);
        return;
      }
      if (value && typeof value === "object") {
        const record = value as Record<string, unknown>;
        // env entries: {name: PASSWORD, value: literal} must use valueFrom instead
        if (
          typeof record.name === "string" &&
          typeof record.value === "string" &&
          SENSITIVE_KEY.test(record.name)
        ) {
          if (!isReference(record.value)) {
            problems.push({
              check: "credential",
              object: key,
              message: `${path}: env ${record.name} has a literal value; use valueFrom.secretKeyRef`,
            });
          }
        }
        for (const [k, v] of Object.entries(record)) {
          if (k === "metadata" && path === "") continue;
          if (object.kind === "Secret" && (k === "data" || k === "stringData")) continue;
          walk(v, path ? `${path}.${k}` : k);
        }
      }
    };
    walk(object, "");
  }
  return problems;
}

export interface PolicyOptions {
  exceptions?: readonly PolicyException[];
}

/** Every policy check; problems covered by an exception are left out and unused exceptions are reported. */
export function checkPolicies(
  objects: readonly KubeObject[],
  options: PolicyOptions = {},
): { problems: PolicyProblem[]; excepted: PolicyProblem[]; unusedExceptions: PolicyException[] } {
  const all: PolicyProblem[] = [];
  const pods = podsOf(objects);
  for (const pod of pods) {
    all.push(...podSecurityProblems(pod));
    for (const c of pod.spec.initContainers ?? []) all.push(...containerProblems(pod, c, true));
    for (const c of pod.spec.containers) all.push(...containerProblems(pod, c, false));
    for (const c of allContainers(pod.spec)) {
      const problem = imageProblem(pod.owner, c.image);
      if (problem) all.push(problem);
    }
    if (pod.replicas > 1 && pod.kind !== "DaemonSet") {
      const pdbs = objects.filter(
        (o) =>
          o.kind === "PodDisruptionBudget" &&
          (o.metadata.namespace ?? "default") === pod.namespace &&
          selectorMatches(
            (o as { spec?: { selector?: Parameters<typeof selectorMatches>[0] } }).spec?.selector,
            pod.labels,
          ),
      );
      if (pdbs.length === 0)
        all.push({
          check: "pdb",
          object: pod.owner,
          message: `${pod.replicas} replicas but no PodDisruptionBudget`,
        });
      const spread =
        (pod.spec.topologySpreadConstraints ?? []).length > 0 ||
        Boolean(pod.spec.affinity?.podAntiAffinity);
      if (!spread)
        all.push({
          check: "spread",
          object: pod.owner,
          message: `${pod.replicas} replicas but no topology spread or anti-affinity`,
        });
    }
  }
  all.push(...credentialProblems(objects));
  const exceptions = options.exceptions ?? [];
  const used = new Set<PolicyException>();
  const problems: PolicyProblem[] = [];
  const excepted: PolicyProblem[] = [];
  for (const problem of all) {
    const exception = exceptions.find(
      (e) => e.object === problem.object && e.check === problem.check,
    );
    if (exception) {
      used.add(exception);
      excepted.push(problem);
    } else {
      problems.push(problem);
    }
  }
  return { problems, excepted, unusedExceptions: exceptions.filter((e) => !used.has(e)) };
}

export { objectKey };
