import {
  clientTlsConfig,
  configMap,
  internalHttpScheme,
  internalTlsOn,
  type KubeObject,
  kubeArg,
  service,
  servicePort,
  statefulSet,
  toYaml,
  type Volume,
  type VolumeMount,
  volumeClaimTemplate,
} from "@materialize-monitoring/core";
import {
  externalLabels,
  labelArgs,
  listenArgs,
  logArgs,
  maybePdb,
  meta,
  POD_NAME,
  POD_NAME_ENV,
  type RoleContext,
  selector,
  thanosContainer,
  thanosPod,
} from "./common.js";
import { dnssrv, queryHeadlessService } from "./endpoints.js";
import { PATH, PORT, type ThanosNames } from "./names.js";
import type { BucketWiring } from "./objstore.js";
import type { Effective } from "./resolve.js";
import { ruleFile } from "./rules.js";
import { peerTlsConfig } from "./tls.js";
import type { AlertmanagerTarget } from "./values.js";

/** The generated rule file's key (and file name) in the rules ConfigMap. */
export const GENERATED_RULES_KEY = "thanos-rules.yaml";

/**
 * `--alertmanagers.config`: SRV targets resolve to every Alertmanager replica
 * (`dnssrv+`), so each alert reaches all of them; the Alertmanager cluster
 * deduplicates notifications. API v2 (v1 is gone from current Alertmanagers).
 */
export function alertmanagersConfig(
  targets: readonly AlertmanagerTarget[],
): Record<string, unknown> {
  return {
    alertmanagers: targets.map((target) => {
      if ("srv" in target) {
        // SRV targets resolve to pod addresses: verify the name of the headless Service they are under.
        const serverName = target.srv.replace(/^_[^.]+\._tcp\./, "");
        return {
          ...(target.internalTls
            ? { http_config: { tls_config: clientTlsConfig(serverName) } }
            : {}),
          static_configs: [`dnssrv+${target.srv}`],
          scheme: target.internalTls ? "https" : target.scheme,
          path_prefix: target.pathPrefix,
          timeout: target.timeout,
          api_version: "v2",
        };
      }
      const url = new URL(target.url);
      return {
        ...(target.internalTls
          ? { http_config: { tls_config: clientTlsConfig(url.hostname) } }
          : {}),
        static_configs: [url.host],
        scheme: target.internalTls ? "https" : url.protocol.replace(/:$/, ""),
        path_prefix: url.pathname === "/" ? "" : url.pathname,
        timeout: target.timeout,
        api_version: "v2",
      };
    }),
  };
}

/** `--query.config`: every querier by DNS SRV on the query headless Service's `http` port. */
export function rulerQueryConfig(rc: RoleContext, names: ThanosNames): Record<string, unknown>[] {
  return [
    {
      ...(internalTlsOn(rc.ctx) ? { http_config: peerTlsConfig(rc.ctx, names) } : {}),
      static_configs: [dnssrv(queryHeadlessService(rc.ctx, names), "http")],
      scheme: internalHttpScheme(rc.ctx),
    },
  ];
}

/** The rule files the ruler loads, as the ConfigMap data it mounts (typed groups only). */
export function generatedRuleFiles(rc: RoleContext): Record<string, string> {
  const groups = rc.values.ruler.ruleGroups;
  return groups.length > 0 ? { [GENERATED_RULES_KEY]: toYaml(ruleFile(groups)) } : {};
}

export function buildRuler(
  rc: RoleContext,
  names: ThanosNames,
  eff: Effective,
  bucket: BucketWiring,
): KubeObject[] {
  const values = rc.values.ruler;
  const rulerSelector = selector(rc.ctx, "ruler");
  const generated = generatedRuleFiles(rc);
  const configFiles: Record<string, string> = {
    "query.yaml": toYaml(rulerQueryConfig(rc, names)),
    ...(values.alertmanagers.length > 0
      ? { "alertmanagers.yaml": toYaml(alertmanagersConfig(values.alertmanagers)) }
      : {}),
  };

  // Each rule source gets its own directory under /etc/thanos/rules; one glob loads them all.
  // `*.yaml` skips the ConfigMap volume's `..data` bookkeeping entries.
  const ruleVolumes: Volume[] = [];
  const ruleMounts: VolumeMount[] = [];
  if (Object.keys(generated).length > 0) {
    ruleVolumes.push({ name: "rules-generated", configMap: { name: names.rulerRules } });
    ruleMounts.push({
      name: "rules-generated",
      mountPath: `${PATH.rules}/generated`,
      readOnly: true,
    });
  }
  values.ruleConfigMaps.forEach((ref, i) => {
    const volumeName = `rules-${i}`;
    ruleVolumes.push({
      name: volumeName,
      configMap: {
        name: ref.name,
        ...(ref.keys ? { items: ref.keys.map((key) => ({ key, path: key })) } : {}),
      },
    });
    ruleMounts.push({ name: volumeName, mountPath: `${PATH.rules}/${ref.name}`, readOnly: true });
  });

  const args = [
    "rule",
    ...logArgs(rc.values),
    ...listenArgs(rc.ctx, true),
    `--data-dir=${PATH.rulerData}`,
    `--eval-interval=${values.evalInterval}`,
    `--tsdb.retention=${values.retention}`,
    `--rule-file=${PATH.rules}/*/*.yaml`,
    `--query.config-file=${PATH.rulerConfig}/query.yaml`,
    ...(values.alertmanagers.length > 0
      ? [`--alertmanagers.config-file=${PATH.rulerConfig}/alertmanagers.yaml`]
      : []),
    ...labelArgs(externalLabels(rc), { [rc.values.replicaLabels.ruler]: POD_NAME }),
    // Both replicas evaluate every rule; without their replica label, the alerts are identical
    // and Alertmanager deduplicates them.
    `--alert.label-drop=${rc.values.replicaLabels.ruler}`,
    ...(values.alertQueryUrl ? [kubeArg`--alert.query-url=${values.alertQueryUrl}`] : []),
    ...bucket.args,
    ...values.extraArgs,
  ];

  return [
    configMap(meta(rc, "ruler", names.rulerConfig), configFiles),
    ...(Object.keys(generated).length > 0
      ? [configMap(meta(rc, "ruler", names.rulerRules), generated)]
      : []),
    statefulSet({
      metadata: meta(rc, "ruler", names.ruler),
      replicas: eff.ruler.replicas,
      selector: rulerSelector,
      serviceName: names.rulerHeadless,
      template: thanosPod(rc, {
        role: "ruler",
        containers: [
          thanosContainer(rc, {
            name: "thanos-ruler",
            args,
            resources: eff.ruler.resources,
            grpc: true,
            env: [POD_NAME_ENV, ...bucket.env],
            volumeMounts: [
              { name: "data", mountPath: PATH.rulerData },
              { name: "config", mountPath: PATH.rulerConfig, readOnly: true },
              ...ruleMounts,
              ...bucket.volumeMounts,
            ],
          }),
        ],
        volumes: [
          { name: "config", configMap: { name: names.rulerConfig } },
          ...ruleVolumes,
          ...bucket.volumes,
        ],
        replicas: eff.ruler.replicas,
        usesBucket: !eff.dev,
      }),
      volumeClaimTemplates: [
        volumeClaimTemplate(rc.ctx, {
          name: "data",
          persistence: {
            enabled: true,
            size: eff.ruler.storage,
            accessModes: values.persistence.accessModes,
            ...(values.persistence.storageClass
              ? { storageClass: values.persistence.storageClass }
              : {}),
          },
        }),
      ],
    }),
    service({
      metadata: meta(rc, "ruler", names.rulerHeadless),
      selector: rulerSelector,
      headless: true,
      ports: [
        servicePort(PORT.grpc.name, PORT.grpc.port),
        servicePort(PORT.http.name, PORT.http.port),
      ],
    }),
    service({
      metadata: meta(rc, "ruler", names.ruler),
      selector: rulerSelector,
      ports: [servicePort(PORT.http.name, PORT.http.port)],
    }),
    ...maybePdb(rc, "ruler", names.ruler, eff.ruler.replicas),
  ];
}
