/** The inputs every wiring function reads: computed before any component is built. */
import type { AlertmanagerEndpoints } from "@materialize-monitoring/alertmanager";
import type { AlloyAgentEndpoints } from "@materialize-monitoring/alloy-agent";
import type { AlloyGatewayEndpoints } from "@materialize-monitoring/alloy-gateway";
import type { BuildContext } from "@materialize-monitoring/core";
import type { ExportersEndpoints } from "@materialize-monitoring/exporters";
import type { GrafanaEndpoints } from "@materialize-monitoring/grafana";
import type { GrafanaOperatorEndpoints } from "@materialize-monitoring/grafana-operator";
import type { LokiEndpoints } from "@materialize-monitoring/loki";
import type { MaterializeEndpoints } from "@materialize-monitoring/materialize";
import type { ThanosEndpoints } from "@materialize-monitoring/thanos";
import type { ExternalPeers } from "./external.js";
import type { ParsedStackValues } from "./values.js";

/** The endpoints of every enabled component, by section; a disabled one has none. */
export interface StackEndpoints {
  exporters?: ExportersEndpoints;
  alertmanager?: AlertmanagerEndpoints;
  loki?: LokiEndpoints;
  thanos?: ThanosEndpoints;
  grafana?: GrafanaEndpoints;
  grafanaOperator?: GrafanaOperatorEndpoints;
  materialize?: MaterializeEndpoints;
  alloyAgent?: AlloyAgentEndpoints;
  alloyGateway?: AlloyGatewayEndpoints;
}

export interface Wiring {
  ctx: BuildContext;
  values: ParsedStackValues;
  endpoints: StackEndpoints;
  externals: ExternalPeers;
}
