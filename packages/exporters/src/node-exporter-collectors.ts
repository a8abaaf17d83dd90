/**
 * The Linux collectors of node-exporter, with the release that introduced
 * each one. Facts from the upstream README collector tables and CHANGELOG
 * (prometheus/node_exporter); collectors present in 1.5 were checked against
 * the `--help` of Debian's 1.5.0 build. Collectors older than 1.5 carry
 * `since: "1.5"`, the oldest release this package renders for.
 */

/** node-exporter releases (major.minor) this package knows the collector set of. */
export const NODE_EXPORTER_VERSIONS = [
  "1.5",
  "1.6",
  "1.7",
  "1.8",
  "1.9",
  "1.10",
  "1.11",
  "1.12",
] as const;
export type NodeExporterVersion = (typeof NODE_EXPORTER_VERSIONS)[number];

/** The newest release in `NODE_EXPORTER_VERSIONS`. */
export const LATEST_KNOWN_NODE_EXPORTER_VERSION: NodeExporterVersion = "1.12";

export interface CollectorInfo {
  /** First release (major.minor) whose Linux build has the collector. */
  since: NodeExporterVersion;
  /** Enabled upstream when `--collector.disable-defaults` is not given. */
  upstreamDefault: boolean;
  /** Deprecated upstream, to be removed in 2.0. */
  deprecated?: true;
  /** What it reads, in a few words. */
  reads: string;
}

/**
 * Every collector that exists on Linux. The key set is the
 * `NodeExporterCollector` type, so a misspelt collector in values or code
 * is a compile error (and a values error at runtime).
 */
export const NODE_EXPORTER_COLLECTORS = {
  arp: { since: "1.5", upstreamDefault: true, reads: "/proc/net/arp" },
  bcache: { since: "1.5", upstreamDefault: true, reads: "/sys/fs/bcache" },
  bcachefs: { since: "1.11", upstreamDefault: true, reads: "/sys/fs/bcachefs" },
  bonding: { since: "1.5", upstreamDefault: true, reads: "bonding interfaces in /sys/class/net" },
  btrfs: { since: "1.5", upstreamDefault: true, reads: "btrfs statistics in /sys/fs/btrfs" },
  buddyinfo: { since: "1.5", upstreamDefault: false, reads: "/proc/buddyinfo" },
  cgroups: { since: "1.5", upstreamDefault: false, reads: "/proc/cgroups" },
  conntrack: { since: "1.5", upstreamDefault: true, reads: "/proc/sys/net/netfilter" },
  cpu: { since: "1.5", upstreamDefault: true, reads: "/proc/stat and /sys/devices/system/cpu" },
  cpu_vulnerabilities: {
    since: "1.7",
    upstreamDefault: false,
    reads: "/sys/devices/system/cpu/vulnerabilities",
  },
  cpufreq: { since: "1.5", upstreamDefault: true, reads: "/sys/devices/system/cpu/*/cpufreq" },
  diskstats: { since: "1.5", upstreamDefault: true, reads: "/proc/diskstats" },
  dmi: { since: "1.5", upstreamDefault: true, reads: "/sys/class/dmi/id" },
  drbd: { since: "1.5", upstreamDefault: false, reads: "/proc/drbd" },
  drm: { since: "1.5", upstreamDefault: false, reads: "/sys/class/drm (amdgpu)" },
  edac: { since: "1.5", upstreamDefault: true, reads: "/sys/devices/system/edac" },
  entropy: { since: "1.5", upstreamDefault: true, reads: "/proc/sys/kernel/random" },
  ethtool: { since: "1.5", upstreamDefault: false, reads: "ethtool ioctls" },
  fibrechannel: { since: "1.5", upstreamDefault: true, reads: "/sys/class/fc_host" },
  filefd: { since: "1.5", upstreamDefault: true, reads: "/proc/sys/fs/file-nr" },
  filesystem: { since: "1.5", upstreamDefault: true, reads: "statfs(2) of the host's mounts" },
  hwmon: { since: "1.5", upstreamDefault: true, reads: "/sys/class/hwmon" },
  infiniband: { since: "1.5", upstreamDefault: true, reads: "/sys/class/infiniband" },
  interrupts: { since: "1.5", upstreamDefault: false, reads: "/proc/interrupts" },
  ipvs: { since: "1.5", upstreamDefault: true, reads: "/proc/net/ip_vs" },
  kernel_hung: {
    since: "1.11",
    upstreamDefault: false,
    reads: "/proc/sys/kernel/hung_task_detect_count",
  },
  ksmd: { since: "1.5", upstreamDefault: false, reads: "/sys/kernel/mm/ksm" },
  lnstat: { since: "1.5", upstreamDefault: false, reads: "/proc/net/stat" },
  loadavg: { since: "1.5", upstreamDefault: true, reads: "/proc/loadavg" },
  logind: { since: "1.5", upstreamDefault: false, reads: "systemd-logind over D-Bus" },
  mdadm: { since: "1.5", upstreamDefault: true, reads: "/proc/mdstat" },
  meminfo: { since: "1.5", upstreamDefault: true, reads: "/proc/meminfo" },
  meminfo_numa: { since: "1.5", upstreamDefault: false, reads: "/sys/devices/system/node" },
  mountstats: { since: "1.5", upstreamDefault: false, reads: "/proc/self/mountstats" },
  netclass: { since: "1.5", upstreamDefault: true, reads: "/sys/class/net" },
  netdev: { since: "1.5", upstreamDefault: true, reads: "/proc/net/dev or netlink" },
  netstat: { since: "1.5", upstreamDefault: true, reads: "/proc/net/netstat and /proc/net/snmp" },
  network_route: { since: "1.5", upstreamDefault: false, reads: "the routing table over netlink" },
  nfs: { since: "1.5", upstreamDefault: true, reads: "/proc/net/rpc/nfs" },
  nfsd: { since: "1.5", upstreamDefault: true, reads: "/proc/net/rpc/nfsd" },
  ntp: {
    since: "1.5",
    upstreamDefault: false,
    deprecated: true,
    reads: "a local NTP daemon over UDP",
  },
  nvme: { since: "1.5", upstreamDefault: true, reads: "/sys/class/nvme" },
  os: { since: "1.5", upstreamDefault: true, reads: "/etc/os-release" },
  pcidevice: { since: "1.10", upstreamDefault: false, reads: "/sys/bus/pci/devices" },
  perf: { since: "1.5", upstreamDefault: false, reads: "perf_event_open" },
  powersupplyclass: { since: "1.5", upstreamDefault: true, reads: "/sys/class/power_supply" },
  pressure: { since: "1.5", upstreamDefault: true, reads: "/proc/pressure" },
  processes: { since: "1.5", upstreamDefault: false, reads: "/proc/[pid]/stat" },
  qdisc: { since: "1.5", upstreamDefault: false, reads: "queueing disciplines over netlink" },
  rapl: { since: "1.5", upstreamDefault: true, reads: "/sys/class/powercap" },
  runit: {
    since: "1.5",
    upstreamDefault: false,
    deprecated: true,
    reads: "runit service directories",
  },
  schedstat: { since: "1.5", upstreamDefault: true, reads: "/proc/schedstat" },
  selinux: { since: "1.5", upstreamDefault: true, reads: "/sys/fs/selinux" },
  slabinfo: { since: "1.5", upstreamDefault: false, reads: "/proc/slabinfo" },
  sockstat: { since: "1.5", upstreamDefault: true, reads: "/proc/net/sockstat" },
  softirqs: { since: "1.6", upstreamDefault: false, reads: "/proc/softirqs" },
  softnet: { since: "1.5", upstreamDefault: true, reads: "/proc/net/softnet_stat" },
  stat: { since: "1.5", upstreamDefault: true, reads: "/proc/stat" },
  supervisord: {
    since: "1.5",
    upstreamDefault: false,
    deprecated: true,
    reads: "supervisord over XML-RPC",
  },
  swap: { since: "1.10", upstreamDefault: false, reads: "/proc/swaps" },
  sysctl: { since: "1.5", upstreamDefault: false, reads: "/proc/sys" },
  systemd: { since: "1.5", upstreamDefault: false, reads: "systemd over D-Bus" },
  tapestats: { since: "1.5", upstreamDefault: true, reads: "/sys/class/scsi_tape" },
  tcpstat: { since: "1.5", upstreamDefault: false, reads: "TCP sockets over netlink" },
  textfile: { since: "1.5", upstreamDefault: true, reads: "*.prom files in a directory" },
  thermal_zone: { since: "1.5", upstreamDefault: true, reads: "/sys/class/thermal" },
  time: { since: "1.5", upstreamDefault: true, reads: "the system clock" },
  timex: { since: "1.5", upstreamDefault: true, reads: "adjtimex(2)" },
  udp_queues: { since: "1.5", upstreamDefault: true, reads: "/proc/net/udp and /proc/net/udp6" },
  uname: { since: "1.5", upstreamDefault: true, reads: "uname(2)" },
  vmstat: { since: "1.5", upstreamDefault: true, reads: "/proc/vmstat" },
  watchdog: { since: "1.8", upstreamDefault: true, reads: "/sys/class/watchdog" },
  wifi: { since: "1.5", upstreamDefault: false, reads: "nl80211 over netlink" },
  xfrm: { since: "1.8", upstreamDefault: false, reads: "/proc/net/xfrm_stat" },
  xfs: { since: "1.5", upstreamDefault: true, reads: "/sys/fs/xfs" },
  zfs: { since: "1.5", upstreamDefault: true, reads: "/proc/spl/kstat/zfs" },
  zoneinfo: { since: "1.5", upstreamDefault: false, reads: "/proc/zoneinfo" },
} as const satisfies Record<string, CollectorInfo>;

export type NodeExporterCollector = keyof typeof NODE_EXPORTER_COLLECTORS;

/** Every collector name, sorted. */
export const NODE_EXPORTER_COLLECTOR_NAMES = (
  Object.keys(NODE_EXPORTER_COLLECTORS) as NodeExporterCollector[]
).sort();

/**
 * The collectors we enable by default: what the node dashboards and alerts
 * of the stack read (CPU, memory, pressure, disks, filesystems, network,
 * clock, file descriptors, conntrack, RAID), and nothing with unbounded
 * cardinality or a need for extra privileges. `swap` joins when the version
 * has it.
 */
export const RECOMMENDED_NODE_EXPORTER_COLLECTORS = [
  "conntrack",
  "cpu",
  "diskstats",
  "entropy",
  "filefd",
  "filesystem",
  "loadavg",
  "mdadm",
  "meminfo",
  "netclass",
  "netdev",
  "netstat",
  "os",
  "pressure",
  "sockstat",
  "softnet",
  "stat",
  "swap",
  "time",
  "timex",
  "uname",
  "vmstat",
] as const satisfies readonly NodeExporterCollector[];

function versionParts(version: NodeExporterVersion): [number, number] {
  const [major, minor] = version.split(".").map(Number);
  return [major ?? 0, minor ?? 0];
}

/** Compares two versions: negative when `a` is older than `b`. */
export function compareNodeExporterVersions(
  a: NodeExporterVersion,
  b: NodeExporterVersion,
): number {
  const [aMajor, aMinor] = versionParts(a);
  const [bMajor, bMinor] = versionParts(b);
  return aMajor - bMajor || aMinor - bMinor;
}

/** Whether node-exporter `version` has `collector`. */
export function collectorAvailable(
  collector: NodeExporterCollector,
  version: NodeExporterVersion,
): boolean {
  return compareNodeExporterVersions(NODE_EXPORTER_COLLECTORS[collector].since, version) <= 0;
}

/** The collectors `version` has, sorted. */
export function collectorsAvailableIn(version: NodeExporterVersion): NodeExporterCollector[] {
  return NODE_EXPORTER_COLLECTOR_NAMES.filter((name) => collectorAvailable(name, version));
}

/**
 * The release (major.minor) an image tag such as `v1.12.1` or `1.5.0-debian`
 * names, or undefined when the tag is not a version (a mirror's own tag).
 * A 1.x release newer than the catalogue maps to the newest known release:
 * collectors are only removed in a major release.
 */
export function nodeExporterVersionFromTag(
  tag: string,
): { version: NodeExporterVersion } | { tooOld: string } | { unknown: string } | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(tag);
  if (!match) return undefined;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  const found = NODE_EXPORTER_VERSIONS.find((v) => v === `${major}.${minor}`);
  if (found) return { version: found };
  if (major === 1 && minor < 5) return { tooOld: `${major}.${minor}` };
  if (major === 1) return { version: LATEST_KNOWN_NODE_EXPORTER_VERSION };
  return { unknown: `${major}.${minor}` };
}
