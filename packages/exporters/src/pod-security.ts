import type { PodSecurityCheck, PolicyException } from "@materialize-monitoring/core";

/**
 * Departures from the Pod Security Standards "restricted" profile, named by
 * the pod-security-admission check identifiers (core's `PodSecurityCheck`).
 * Every other pod of this package passes "restricted".
 */

/** One documented departure from the "restricted" Pod Security profile. */
export interface PodSecurityException {
  /** The component whose pods need it. */
  component: "node-exporter";
  /** The pod-security-admission check it fails. */
  check: PodSecurityCheck;
  /** The pod spec fields involved. */
  fields: readonly string[];
  /** Why the exporter cannot do without it. */
  reason: string;
}

/**
 * The Pod Security level a namespace must enforce to admit node-exporter:
 * hostNamespaces, hostPathVolumes and hostPorts are checks of the "baseline"
 * profile (volumeTypes of "restricted"), so only "privileged" admits the pods.
 */
export const NODE_EXPORTER_POD_SECURITY_LEVEL = "privileged" as const;

export const NODE_EXPORTER_POD_SECURITY_EXCEPTIONS: readonly PodSecurityException[] = [
  {
    component: "node-exporter",
    check: "hostNamespaces",
    fields: ["spec.hostNetwork", "spec.hostPID"],
    reason:
      "hostNetwork: the netdev, netclass, netstat, sockstat and conntrack collectors must see the node's network namespace, not the pod's; hostPID: process-level files under /proc belong to the host's PID namespace",
  },
  {
    component: "node-exporter",
    check: "hostPathVolumes",
    fields: ["spec.volumes[].hostPath"],
    reason:
      "the node's /proc, /sys and / are mounted read-only (at /host/proc, /host/sys, /host/root) so the collectors read the node's kernel statistics and filesystems",
  },
  {
    component: "node-exporter",
    check: "volumeTypes",
    fields: ["spec.volumes[].hostPath"],
    reason:
      "the restricted profile admits only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes; the host mounts above are hostPath volumes",
  },
  {
    component: "node-exporter",
    check: "hostPorts",
    fields: ["spec.containers[].ports[].hostPort"],
    reason:
      "with hostNetwork the metrics port is a port of the node (9100 by default); Kubernetes records it as a hostPort",
  },
];

/**
 * Every Pod Security exception the exporters need, for policy reports and
 * admission exemptions. The containers themselves stay hardened: non-root,
 * read-only root filesystem, no privilege escalation, all capabilities dropped,
 * RuntimeDefault seccomp.
 */
export function podSecurityExceptions(): PodSecurityException[] {
  return NODE_EXPORTER_POD_SECURITY_EXCEPTIONS.map((exception) => ({
    ...exception,
    fields: [...exception.fields],
  }));
}

/**
 * The exceptions in the shape core's `checkPolicies` takes, for the
 * node-exporter DaemonSet `Kind/namespace/name` (`endpoints.podSecurity.daemonSet`).
 */
export function nodeExporterPolicyExceptions(daemonSet: string): PolicyException[] {
  return NODE_EXPORTER_POD_SECURITY_EXCEPTIONS.map((exception) => ({
    object: daemonSet,
    check: exception.check,
    reason: exception.reason,
  }));
}
