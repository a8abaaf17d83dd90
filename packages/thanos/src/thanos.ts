import {
  defineComponent,
  imageRef,
  type KubeObject,
  objectMeta,
  selectorLabels,
  serviceAccount,
  workloadIdentityAnnotations,
} from "@materialize-monitoring/core";
import { checkValues } from "./checks.js";
import { type RoleContext, selector } from "./common.js";
import { buildCompactor } from "./compactor.js";
import { APP, PORT, serviceHost, srvAddress, thanosNames } from "./names.js";
import { buildNetworkPolicies } from "./network.js";
import { bucketWiring, NO_BUCKET } from "./objstore.js";
import { buildQuery } from "./query.js";
import { buildQueryFrontend } from "./query-frontend.js";
import { buildReceive } from "./receive.js";
import { effective } from "./resolve.js";
import { buildRuler } from "./ruler.js";
import { buildStore } from "./store.js";
import { thanosValues } from "./values.js";

/** Addresses other components connect to, computed from the rendered objects' names and ports. */
export interface ThanosEndpoints {
  /** Prometheus remote-write URL (receive, or the routers in split mode). */
  remoteWriteUrl: string;
  /** PromQL HTTP API base URL for Grafana: the query-frontend when enabled, else query. */
  promqlUrl: string;
  /** The querier's own HTTP API base URL (no splitting or caching). */
  queryUrl: string;
  /** The ruler's HTTP API base URL (rules and alerts), when the ruler is enabled. */
  rulerUrl?: string;
  /** gRPC StoreAPI addresses: `dnssrv+` names of every StoreAPI set, and query's own StoreAPI. */
  storeApi: {
    receive: string;
    store?: string;
    ruler?: string;
    /** A querier also serves StoreAPI: federate this Thanos into another query layer. */
    query: string;
  };
  /** Labels selecting the pods behind each address, for the callers' egress NetworkPolicies. */
  podSelectors: {
    remoteWrite: Record<string, string>;
    promql: Record<string, string>;
    ruler?: Record<string, string>;
    /** Every Thanos pod (scrape targets; each serves metrics on the `http` port). */
    all: Record<string, string>;
  };
  ports: { remoteWrite: number; http: number; grpc: number };
  /** Labels that only tell replicas apart; queries deduplicate on them. */
  replicaLabels: string[];
}

export const thanos = defineComponent({
  name: "thanos",
  schema: thanosValues,
  build: (values, ctx) => {
    const eff = effective(values);
    checkValues(values, eff);
    const names = thanosNames(ctx);
    const version = values.image.tag;
    const rc: RoleContext = {
      ctx,
      values,
      image: imageRef(values.image, ctx.imageRegistry),
      version,
      serviceAccountName: values.serviceAccount.name ?? names.serviceAccount,
    };
    const bucket =
      !eff.dev && values.objectStorage
        ? bucketWiring(ctx, names, values.objectStorage, version, values.bucketVolume?.claimName)
        : NO_BUCKET;

    const receive = buildReceive(rc, names, eff, bucket);
    const objects: KubeObject[] = [
      ...(eff.dev || !values.serviceAccount.create
        ? []
        : [
            serviceAccount(
              objectMeta(ctx, {
                name: APP,
                objectName: rc.serviceAccountName,
                version,
                annotations: {
                  ...values.serviceAccount.annotations,
                  ...workloadIdentityAnnotations(values.serviceAccount.workloadIdentity),
                },
              }),
            ),
          ]),
      ...bucket.objects,
      ...receive.objects,
      ...buildQuery(rc, names, eff),
      ...(eff.queryFrontend.enabled ? buildQueryFrontend(rc, names, eff) : []),
      ...(eff.store.enabled ? buildStore(rc, names, eff, bucket) : []),
      ...(eff.compactor.enabled ? buildCompactor(rc, names, eff, bucket) : []),
      ...(eff.ruler.enabled ? buildRuler(rc, names, eff, bucket) : []),
      ...buildNetworkPolicies(rc, names, eff),
    ];

    const http = (service: string) => `http://${serviceHost(ctx, service)}:${PORT.http.port}`;
    const queryUrl = http(names.query);
    const endpoints: ThanosEndpoints = {
      remoteWriteUrl: `http://${serviceHost(ctx, receive.remoteWriteService)}:${PORT.remoteWrite.port}/api/v1/receive`,
      promqlUrl: eff.queryFrontend.enabled ? http(names.queryFrontend) : queryUrl,
      queryUrl,
      ...(eff.ruler.enabled ? { rulerUrl: http(names.ruler) } : {}),
      storeApi: {
        receive: srvAddress(ctx, PORT.grpc.name, names.receiveHeadless),
        ...(eff.store.enabled
          ? { store: srvAddress(ctx, PORT.grpc.name, names.storeHeadless) }
          : {}),
        ...(eff.ruler.enabled
          ? { ruler: srvAddress(ctx, PORT.grpc.name, names.rulerHeadless) }
          : {}),
        query: `${serviceHost(ctx, names.query)}:${PORT.grpc.port}`,
      },
      podSelectors: {
        remoteWrite: selector(ctx, receive.writeRole),
        promql: selector(ctx, eff.queryFrontend.enabled ? "query-frontend" : "query"),
        ...(eff.ruler.enabled ? { ruler: selector(ctx, "ruler") } : {}),
        all: selectorLabels(ctx, { name: APP }),
      },
      ports: { remoteWrite: PORT.remoteWrite.port, http: PORT.http.port, grpc: PORT.grpc.port },
      replicaLabels: [values.replicaLabels.receive, values.replicaLabels.ruler],
    };
    return { objects, endpoints };
  },
});
