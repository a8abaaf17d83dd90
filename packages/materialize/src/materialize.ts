import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import {
  type BuildContext,
  configMap,
  defineComponent,
  type KubeObject,
  objectMeta,
  parseValues,
  resourceName,
} from "@materialize-monitoring/core";
import { type MetricAllowList, metricAllowLists } from "./allowlists.js";
import { dashboards } from "./dashboards/build.js";
import { type LogStage, materializeLogStages } from "./logs/stages.js";
import type { MetricSource } from "./metrics/sources.js";
import type { InhibitionPair } from "./rules/inhibition.js";
import {
  inhibitionPairs,
  lokiRuleGroups,
  prometheusRuleGroups,
  type RuleGroup,
  ruleFileYaml,
} from "./rules/render.js";
import { prometheusScrapeConfigs } from "./targets/prometheus.js";
import { type ScrapeTarget, scrapeTargets } from "./targets/targets.js";
import { type MetricTierLists, metricTierLists } from "./tiers.js";
import {
  type MaterializeValues,
  materializeValues,
  type ResolvedMaterializeValues,
} from "./values.js";

/** Everything the package knows, rendered for one installation. */
export interface MaterializeArtifacts {
  /** Materialize scrape targets as data (the gateway turns them into Alloy). */
  targets: ScrapeTarget[];
  /** The same targets as Prometheus `scrape_configs` entries. */
  prometheusScrapeConfigs: Record<string, unknown>[];
  /** Per scrape source, the metrics to keep. */
  allowLists: Record<MetricSource, MetricAllowList>;
  /** Per scrape source, the names the essential and recommended tiers keep (`all` keeps everything). */
  metricTiers: Record<MetricSource, MetricTierLists>;
  /** Recording and alerting rules (PromQL) for the Thanos ruler or Prometheus. */
  ruleGroups: RuleGroup[];
  /** Alerting rules (LogQL) for the Loki ruler. */
  logRuleGroups: RuleGroup[];
  /** Grafana dashboards by uid. */
  dashboards: Record<string, Dashboard>;
  /** loki.process stages for Materialize log streams. */
  logStages: LogStage[];
  /** Alertmanager inhibitions among the rendered alerts: what the inhibitor alerts mute, on which labels. */
  inhibitionPairs: InhibitionPair[];
}

/** Renders every artifact from parsed values. */
export function renderArtifacts(values: ResolvedMaterializeValues): MaterializeArtifacts {
  const allowLists = metricAllowLists(values);
  const targets = scrapeTargets(values, { allowList: allowLists.materialize.metrics });
  return {
    targets,
    prometheusScrapeConfigs: prometheusScrapeConfigs(targets, values),
    allowLists,
    metricTiers: metricTierLists(values, allowLists),
    ruleGroups: prometheusRuleGroups(values),
    logRuleGroups: lokiRuleGroups(values),
    dashboards: dashboards(values),
    logStages: materializeLogStages(values),
    inhibitionPairs: inhibitionPairs(values),
  };
}

/** Parses values (errors name `materialize.<path>`) and renders every artifact. */
export function materializeArtifacts(values?: MaterializeValues): MaterializeArtifacts {
  return renderArtifacts(parseValues(materializeValues, values ?? {}, ["materialize"]));
}

/** Where the rendered ConfigMaps put each artifact. */
export interface MaterializeEndpoints {
  /** Prometheus rule file for the Thanos ruler (or Prometheus). */
  rules: { configMap: string; key: string };
  /** Loki ruler rule file. */
  logRules: { configMap: string; key: string };
  /** Dashboard JSON, one key per dashboard uid. */
  dashboards: { configMap: string; keys: Record<string, string> };
  artifacts: MaterializeArtifacts;
}

export const RULES_KEY = "materialize.rules.yaml";
export const LOG_RULES_KEY = "materialize-logs.rules.yaml";

/**
 * Where the ConfigMaps put each artifact, and every artifact itself: pure,
 * computed from the values and the context's names without building objects.
 */
function materializeEndpointsOf(
  values: ResolvedMaterializeValues,
  ctx: BuildContext,
): MaterializeEndpoints {
  const artifacts = renderArtifacts(values);
  return {
    rules: { configMap: resourceName(ctx, "materialize", "rules"), key: RULES_KEY },
    logRules: { configMap: resourceName(ctx, "materialize", "log-rules"), key: LOG_RULES_KEY },
    dashboards: {
      configMap: resourceName(ctx, "materialize", "dashboards"),
      keys: Object.fromEntries(
        Object.keys(artifacts.dashboards).map((uid) => [uid, `${uid}.json`]),
      ),
    },
    artifacts,
  };
}

/**
 * The package as a component: ConfigMaps with the rule files and the
 * dashboards (for rulers and the grafana-operator to mount; each can be left
 * out with `configMaps`), and every artifact in `endpoints.artifacts` for the
 * gateway and the umbrella.
 */
export const materialize = defineComponent({
  name: "materialize",
  schema: materializeValues,
  endpoints: materializeEndpointsOf,
  build: (values, ctx, endpoints) => {
    const { artifacts } = endpoints;
    const objects: KubeObject[] = [];
    if (values.configMaps.rules) {
      objects.push(
        configMap(
          objectMeta(ctx, {
            name: "materialize",
            component: "rules",
            objectName: endpoints.rules.configMap,
          }),
          { [RULES_KEY]: ruleFileYaml(artifacts.ruleGroups) },
        ),
        configMap(
          objectMeta(ctx, {
            name: "materialize",
            component: "log-rules",
            objectName: endpoints.logRules.configMap,
          }),
          { [LOG_RULES_KEY]: ruleFileYaml(artifacts.logRuleGroups) },
        ),
      );
    }
    if (values.configMaps.dashboards) {
      objects.push(
        configMap(
          objectMeta(ctx, {
            name: "materialize",
            component: "dashboards",
            objectName: endpoints.dashboards.configMap,
          }),
          Object.fromEntries(
            Object.entries(artifacts.dashboards).map(([uid, dashboard]) => [
              endpoints.dashboards.keys[uid] ?? `${uid}.json`,
              `${JSON.stringify(dashboard, null, 2)}\n`,
            ]),
          ),
        ),
      );
    }
    return { objects };
  },
});

/** The endpoints `materialize(values, ctx)` has (every artifact), without building its ConfigMaps. */
export const materializeEndpoints = materialize.endpoints;
