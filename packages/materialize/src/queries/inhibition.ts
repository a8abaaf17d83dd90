import { ENVIRONMENTD_POD_REGEX, MZ_JOB, MZ_LABEL } from "../constants.js";
import { RECORDED } from "./recorded.js";
import { ns } from "./scope.js";
import type { QueryDefinition } from "./types.js";

/**
 * The expressions of the inhibitor alerts: conditions during which other
 * alerts are expected to fire and are muted in Alertmanager (see
 * rules/inhibition.ts). Each result carries the labels the muted alerts are
 * compared on.
 */

const { environment: ENV, clusterId: CLUSTER, replicaId: REPLICA } = MZ_LABEL;

/** clusterd pods with the environment, cluster and replica labels of their scrape target. */
const CLUSTERD_PODS = `group by (namespace, pod, ${ENV}, ${CLUSTER}, ${REPLICA}) (up{job="${MZ_JOB.clusterd}"})`;

/**
 * The recorded hydrating count (environmentd's `instance_id`/`replica_id`
 * labels) with the ids copied to the clusterd pods' label names, to join on.
 */
const HYDRATING_BY_POD_LABELS = `label_replace(\n    label_replace(${RECORDED.hydratingCollections}, "${CLUSTER}", "$1", "instance_id", "(.+)"),\n    "${REPLICA}", "$1", "replica_id", "(.+)"\n  )`;

/** Label that holds an environmentd pod's StatefulSet prefix (`mz4t2` of `mz4t2-environmentd-1-0`). */
const PREFIX = "environmentd_prefix";
const withPrefix = (expr: string) =>
  `label_replace(${expr}, "${PREFIX}", "$1", "pod", "(.+)-environmentd-.+")`;

export const inhibitionQueries: QueryDefinition[] = [
  {
    id: "inhibition.replica_hydrating",
    datasource: "prometheus",
    description:
      "Collections still hydrating per replica (recorded), once per clusterd pod of the replica with its namespace and pod, and once per replica whose pods are not scraped.",
    expr: () =>
      `(\n  ${CLUSTERD_PODS}\n  * on (${ENV}, ${CLUSTER}, ${REPLICA}) group_left (instance_id, replica_id)\n  ${HYDRATING_BY_POD_LABELS}\n)\nor on (${ENV}, instance_id, replica_id)\n${RECORDED.hydratingCollections}`,
  },
  {
    id: "inhibition.environmentd_rolling_out",
    datasource: "prometheus",
    description:
      "environmentd pods (Pending or Running) per environment while there is more than one: a new generation rolls out beside the old one. With the environment label of the scraped environmentd where there is one.",
    expr: (s) => {
      const pods = withPrefix(
        `max by (namespace, pod) (kube_pod_status_phase{phase=~"Pending|Running", namespace=~"${ns.environments(s)}", pod=~"${ENVIRONMENTD_POD_REGEX}"}) == 1`,
      );
      const generations = `(\n    count by (namespace, ${PREFIX}) (\n      ${pods}\n    ) > 1\n  )`;
      const environment = `group by (namespace, ${PREFIX}, ${ENV}) (\n    ${withPrefix(`up{job="${MZ_JOB.environmentd}"}`)}\n  )`;
      return `max by (namespace, ${ENV}) (\n  ${generations}\n  * on (namespace, ${PREFIX}) group_left (${ENV})\n  ${environment}\n  or on (namespace, ${PREFIX})\n  ${generations}\n)`;
    },
  },
];
