/**
 * Which node-exporter collectors and kube-state-metrics resources produce a
 * given set of metric names, so an exporter can be told to collect only what
 * a metric allow-list keeps.
 *
 * The node-exporter table is keyed by the family prefixes each Linux
 * collector writes: for the collectors of 1.5, checked with the real binary
 * (a test runs each one alone and maps back every family it serves); for
 * those added later, read from their collector sources in
 * prometheus/node_exporter (collector/<name>_linux.go). kube-state-metrics names its families
 * `kube_<singular resource>_...` (its docs/metrics reference); the table is
 * derived from the resource list and checked against it.
 */
import type { ExportersValues } from "./exporters.js";
import { KUBE_STATE_METRICS_SOURCE } from "./kube-state-metrics.js";
import {
  KUBE_STATE_METRICS_RESOURCES,
  type KubeStateMetricsResource,
} from "./kube-state-metrics-resources.js";
import { NODE_EXPORTER_SOURCE } from "./node-exporter.js";
import type { NodeExporterCollector } from "./node-exporter-collectors.js";

/**
 * Series a scrape adds (Prometheus's and Alloy's own) and families every
 * exporter process serves whatever it collects: no collector or resource is
 * needed for them.
 */
const SCRAPE_OR_PROCESS = /^(up$|scrape_|process_|go_|promhttp_)/;

/**
 * Family prefixes of node-exporter's Linux collectors. The longest prefix
 * wins, so `node_cpu_scaling_` (cpufreq) beats `node_cpu_` (cpu). An entry
 * without a trailing underscore is one exact family.
 */
const NODE_FAMILY_PREFIXES: readonly (readonly [string, NodeExporterCollector | null])[] = [
  // node-exporter's own families: always served
  ["node_scrape_collector_", null],
  ["node_exporter_build_info", null],
  ["node_arp_", "arp"],
  ["node_bcache_", "bcache"],
  ["node_bcachefs_", "bcachefs"],
  ["node_bonding_", "bonding"],
  ["node_btrfs_", "btrfs"],
  ["node_buddyinfo_", "buddyinfo"],
  ["node_cgroups_", "cgroups"],
  ["node_nf_conntrack_", "conntrack"],
  ["node_cpu_", "cpu"],
  ["node_cpu_vulnerabilities_", "cpu_vulnerabilities"],
  ["node_cpu_frequency_", "cpufreq"],
  ["node_cpu_scaling_", "cpufreq"],
  ["node_disk_", "diskstats"],
  ["node_dmi_info", "dmi"],
  ["node_drbd_", "drbd"],
  ["node_drm_", "drm"],
  ["node_edac_", "edac"],
  ["node_entropy_", "entropy"],
  ["node_ethtool_", "ethtool"],
  // ethtool's link-mode families share netclass's node_network_ prefix
  ...(
    [
      "advertised_speed_bytes",
      "asymmetricpause_advertised",
      "asymmetricpause_supported",
      "autonegotiate",
      "autonegotiate_advertised",
      "autonegotiate_supported",
      "pause_advertised",
      "pause_supported",
      "supported_port_info",
      "supported_speed_bytes",
    ] as const
  ).map((name) => [`node_network_${name}`, "ethtool"] as const),
  ["node_fibrechannel_", "fibrechannel"],
  ["node_filefd_", "filefd"],
  ["node_filesystem_", "filesystem"],
  ["node_hwmon_", "hwmon"],
  ["node_infiniband_", "infiniband"],
  ["node_interrupts_", "interrupts"],
  ["node_ipvs_", "ipvs"],
  ["node_kernel_hung_", "kernel_hung"],
  ["node_ksmd_", "ksmd"],
  ["node_lnstat_", "lnstat"],
  ["node_load1", "loadavg"],
  ["node_load5", "loadavg"],
  ["node_load15", "loadavg"],
  ["node_logind_", "logind"],
  ["node_md_", "mdadm"],
  ["node_memory_", "meminfo"],
  ["node_memory_numa_", "meminfo_numa"],
  ["node_mountstats_", "mountstats"],
  ["node_network_", "netclass"],
  ["node_network_receive_", "netdev"],
  ["node_network_transmit_", "netdev"],
  ["node_network_transmit_queue_length", "netclass"],
  ["node_network_address_info", "netdev"],
  ["node_netstat_", "netstat"],
  ["node_network_route_", "network_route"],
  ["node_network_routes", "network_route"],
  ["node_nfs_", "nfs"],
  ["node_nfsd_", "nfsd"],
  ["node_ntp_", "ntp"],
  ["node_nvme_", "nvme"],
  ["node_os_", "os"],
  ["node_pcidevice_", "pcidevice"],
  ["node_perf_", "perf"],
  ["node_power_supply_", "powersupplyclass"],
  ["node_pressure_", "pressure"],
  ["node_processes_", "processes"],
  ["node_qdisc_", "qdisc"],
  ["node_rapl_", "rapl"],
  ["node_service_", "runit"],
  ["node_schedstat_", "schedstat"],
  ["node_selinux_", "selinux"],
  ["node_slabinfo_", "slabinfo"],
  ["node_sockstat_", "sockstat"],
  ["node_softirqs_functions_total", "softirqs"],
  ["node_softnet_", "softnet"],
  ["node_boot_time_seconds", "stat"],
  ["node_context_switches_total", "stat"],
  ["node_forks_total", "stat"],
  ["node_intr_total", "stat"],
  ["node_procs_blocked", "stat"],
  ["node_procs_running", "stat"],
  ["node_softirqs_total", "stat"],
  ["node_supervisord_", "supervisord"],
  ["node_swap_", "swap"],
  ["node_sysctl_", "sysctl"],
  ["node_systemd_", "systemd"],
  ["node_tape_", "tapestats"],
  ["node_tcp_connection_states", "tcpstat"],
  ["node_textfile_", "textfile"],
  ["node_thermal_zone_", "thermal_zone"],
  ["node_cooling_device_", "thermal_zone"],
  ["node_time_", "time"],
  ["node_timex_", "timex"],
  ["node_udp_queues", "udp_queues"],
  ["node_uname_info", "uname"],
  ["node_vmstat_", "vmstat"],
  ["node_watchdog_", "watchdog"],
  ["node_wifi_", "wifi"],
  ["node_xfrm_", "xfrm"],
  ["node_xfs_", "xfs"],
  ["node_zfs_", "zfs"],
  ["node_zoneinfo_", "zoneinfo"],
];

/** The node-exporter collector that serves `family`; null for an always-served family. */
export function nodeExporterCollectorOf(family: string): NodeExporterCollector | null | undefined {
  if (SCRAPE_OR_PROCESS.test(family)) return null;
  let best: readonly [string, NodeExporterCollector | null] | undefined;
  for (const entry of NODE_FAMILY_PREFIXES) {
    const [prefix] = entry;
    const matches = prefix.endsWith("_") ? family.startsWith(prefix) : family === prefix;
    if (matches && (!best || prefix.length > best[0].length)) best = entry;
  }
  return best ? best[1] : undefined;
}

/** The kube-state-metrics family prefix of each resource: `kube_<singular>_`. */
const KSM_FAMILY_PREFIXES: readonly (readonly [string, KubeStateMetricsResource])[] = (
  Object.keys(KUBE_STATE_METRICS_RESOURCES) as KubeStateMetricsResource[]
).map((resource) => [`kube_${singular(resource)}_`, resource] as const);

function singular(resource: KubeStateMetricsResource): string {
  if (resource === "ingresses") return "ingress";
  if (resource === "ingressclasses") return "ingressclass";
  if (resource === "storageclasses") return "storageclass";
  if (resource === "endpoints") return "endpoint";
  if (resource === "networkpolicies") return "networkpolicy";
  return resource.replace(/s$/, "");
}

/** The kube-state-metrics resource whose objects yield `family`; null for a scrape series. */
export function kubeStateMetricsResourceOf(
  family: string,
): KubeStateMetricsResource | null | undefined {
  // its own families (build info, list/watch totals) come from the exporter, not an object
  if (SCRAPE_OR_PROCESS.test(family) || family.startsWith("kube_state_metrics_")) return null;
  let best: readonly [string, KubeStateMetricsResource] | undefined;
  for (const entry of KSM_FAMILY_PREFIXES) {
    // `kube_limitrange` and `kube_resourcequota` are families of their own, without a suffix
    const matches = family.startsWith(entry[0]) || `${family}_` === entry[0];
    if (matches && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best?.[1];
}

/** What collecting a list of families takes: the collectors or resources, and names none serve. */
export interface Collection<T extends string> {
  /** Sorted, without repeats. */
  needed: T[];
  /** Families no known collector or resource yields (the caller keeps the exporter's defaults). */
  unknown: string[];
}

function collectionOf<T extends string>(
  families: readonly string[],
  of: (family: string) => T | null | undefined,
): Collection<T> {
  const needed = new Set<T>();
  const unknown: string[] = [];
  for (const family of families) {
    const owner = of(family);
    if (owner === undefined) unknown.push(family);
    else if (owner !== null) needed.add(owner);
  }
  return { needed: [...needed].sort(), unknown: [...new Set(unknown)].sort() };
}

/** The node-exporter collectors that serve `families`. */
export function nodeExporterCollectorsFor(
  families: readonly string[],
): Collection<NodeExporterCollector> {
  return collectionOf(families, nodeExporterCollectorOf);
}

/** The kube-state-metrics resources whose families are `families`. */
export function kubeStateMetricsResourcesFor(
  families: readonly string[],
): Collection<KubeStateMetricsResource> {
  return collectionOf(families, kubeStateMetricsResourceOf);
}

/** What the exporters collect for a scraper's allow-lists, and what could not be narrowed. */
export interface ExportersCollection {
  /** Exporters values: node-exporter's collectors and kube-state-metrics' resources, or nothing. */
  values: ExportersValues;
  /** One line per exporter left at its defaults because a kept family has no known producer. */
  unserved: string[];
}

/**
 * Exporters values that collect no more than `kept` holds: per scrape source (the exporters'
 * `source` names), the metric names a scraper keeps. node-exporter runs only the collectors of
 * its kept families (none of `disabled`, which the user turned off), kube-state-metrics watches
 * only the resources of its kept families. A source without a list is not filtered by the
 * scraper, so its exporter keeps its defaults; so does one with a family no known collector or
 * resource yields (a name added by hand, or a newer exporter's), reported in `unserved`.
 */
export function exportersCollectionFor(
  kept: Readonly<Record<string, readonly string[]>>,
  disabled: readonly string[] = [],
): ExportersCollection {
  const values: ExportersValues = {};
  const unserved: string[] = [];
  const nodeFamilies = kept[NODE_EXPORTER_SOURCE];
  if (nodeFamilies) {
    const { needed, unknown } = nodeExporterCollectorsFor(nodeFamilies);
    const enable = needed.filter((name) => !disabled.includes(name));
    if (unknown.length > 0) {
      unserved.push(
        `node-exporter keeps its collectors: no collector is known to serve ${unknown.join(", ")}`,
      );
    } else if (enable.length > 0) {
      values.nodeExporter = { collectors: { recommended: false, enable } };
    }
  }
  const ksmFamilies = kept[KUBE_STATE_METRICS_SOURCE];
  if (ksmFamilies) {
    const { needed, unknown } = kubeStateMetricsResourcesFor(ksmFamilies);
    if (unknown.length > 0) {
      unserved.push(
        `kube-state-metrics keeps its resources: no resource is known to yield ${unknown.join(", ")}`,
      );
    } else if (needed.length > 0) {
      values.kubeStateMetrics = { watchedResources: needed };
    }
  }
  return { values, unserved };
}
