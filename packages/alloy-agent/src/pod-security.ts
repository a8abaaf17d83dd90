import type { PodSecurityCheck, PolicyException } from "@materialize-monitoring/core";

/**
 * Departures of the agent's pods from the Pod Security Standards
 * "restricted" profile, named by the pod-security-admission check
 * identifiers. The container itself stays hardened: read-only root
 * filesystem, no privilege escalation, every capability dropped,
 * RuntimeDefault seccomp, no host namespaces, no host ports.
 */
export interface PodSecurityException {
  component: "alloy-agent";
  check: PodSecurityCheck;
  fields: readonly string[];
  reason: string;
}

/** hostPath volumes are a "baseline" check, so only "privileged" admits the pods. */
export const AGENT_POD_SECURITY_LEVEL = "privileged" as const;

export const AGENT_POD_SECURITY_EXCEPTIONS: readonly PodSecurityException[] = [
  {
    component: "alloy-agent",
    check: "hostPathVolumes",
    fields: ["spec.volumes[].hostPath"],
    reason:
      "the node's /var/log (pod logs under /var/log/pods, the journal) is mounted read-only to tail it, and a node directory keeps the read positions so a restart neither loses nor duplicates lines",
  },
  {
    component: "alloy-agent",
    check: "volumeTypes",
    fields: ["spec.volumes[].hostPath"],
    reason:
      "the restricted profile admits no hostPath volume; the log and positions mounts above are hostPath volumes",
  },
  {
    component: "alloy-agent",
    check: "runAsNonRoot",
    fields: ["spec.securityContext.runAsNonRoot", "spec.containers[].securityContext.runAsNonRoot"],
    reason:
      "pod log files are owned by root with mode 0640 (containerd) or 0600 (CRI-O) and the positions directory is created root-owned by the kubelet; a non-root user with a supplemental group cannot read 0600 files, so the agent runs as UID 0 with every capability dropped (no CAP_DAC_OVERRIDE: it reads only what root owns)",
  },
  {
    component: "alloy-agent",
    check: "runAsUser",
    fields: ["spec.securityContext.runAsUser", "spec.containers[].securityContext.runAsUser"],
    reason: "UID 0 explicitly, for the reason above",
  },
];

/** The exceptions for reports and admission exemptions. */
export function agentPodSecurityExceptions(): PodSecurityException[] {
  return AGENT_POD_SECURITY_EXCEPTIONS.map((e) => ({ ...e, fields: [...e.fields] }));
}

/** The same exceptions in core's `checkPolicies({ exceptions })` shape, for the DaemonSet `Kind/namespace/name`. */
export function agentPolicyExceptions(daemonSet: string): PolicyException[] {
  return AGENT_POD_SECURITY_EXCEPTIONS.map((e) => ({
    object: daemonSet,
    check: e.check,
    reason: e.reason,
  }));
}
