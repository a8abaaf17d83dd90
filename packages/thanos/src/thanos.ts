import {
  defineComponent,
  imageRef,
  type KubeObject,
  objectMeta,
  serviceAccount,
  workloadIdentityAnnotations,
} from "@materialize-monitoring/core";
import { checkValues } from "./checks.js";
import type { RoleContext } from "./common.js";
import { buildCompactor } from "./compactor.js";
import { computeThanosEndpoints } from "./endpoints.js";
import { buildGateway } from "./gateway.js";
import { APP, thanosNames } from "./names.js";
import { buildNetworkPolicies } from "./network.js";
import { bucketWiring, NO_BUCKET } from "./objstore.js";
import { buildQuery } from "./query.js";
import { buildQueryFrontend } from "./query-frontend.js";
import { buildReceive } from "./receive.js";
import { effective } from "./resolve.js";
import { buildRuler } from "./ruler.js";
import { buildStore } from "./store.js";
import { tlsObjects } from "./tls.js";
import { thanosValues } from "./values.js";

export const thanos = defineComponent({
  name: "thanos",
  schema: thanosValues,
  endpoints: computeThanosEndpoints,
  build: (values, ctx, endpoints) => {
    const eff = effective(values);
    checkValues(values, eff, ctx);
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

    const built: KubeObject[] = [
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
      ...buildReceive(rc, names, eff, bucket, endpoints),
      ...buildQuery(rc, names, eff, endpoints),
      ...(eff.queryFrontend.enabled ? buildQueryFrontend(rc, names, eff, endpoints) : []),
      ...(eff.store.enabled ? buildStore(rc, names, eff, bucket) : []),
      ...(eff.compactor.enabled ? buildCompactor(rc, names, eff, bucket) : []),
      ...(eff.ruler.enabled ? buildRuler(rc, names, eff, bucket) : []),
      ...buildGateway(rc, names, endpoints),
      ...buildNetworkPolicies(rc, names, eff),
    ];
    const objects = [...built, ...tlsObjects(rc, names, built)];
    return { objects };
  },
});

/**
 * The endpoints `thanos(values, ctx)` returns, computed without building any
 * object (and without needing `objectStorage`): the umbrella wires the other
 * components from these before it builds Thanos.
 */
export const thanosEndpoints = thanos.endpoints;
