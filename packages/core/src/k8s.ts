/**
 * Kubernetes object typing for builders. Types only (from `kubernetes-types`),
 * so component packages carry no runtime weight for them.
 */
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";

export type {
  DaemonSet,
  Deployment,
  DeploymentStrategy,
  StatefulSet,
} from "kubernetes-types/apps/v1.js";
export type { HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2.js";
export type {
  Affinity,
  ConfigMap,
  Container,
  ContainerPort,
  EnvVar,
  Namespace,
  PersistentVolumeClaim,
  PodSecurityContext,
  PodSpec,
  PodTemplateSpec,
  Probe,
  ResourceRequirements,
  Secret,
  SecurityContext,
  Service,
  ServiceAccount,
  ServicePort,
  Toleration,
  TopologySpreadConstraint,
  Volume,
  VolumeMount,
} from "kubernetes-types/core/v1.js";
export type { LabelSelector, ObjectMeta } from "kubernetes-types/meta/v1.js";
export type {
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
} from "kubernetes-types/networking/v1.js";
export type { PodDisruptionBudget } from "kubernetes-types/policy/v1.js";
export type {
  ClusterRole,
  ClusterRoleBinding,
  PolicyRule,
  Role,
  RoleBinding,
} from "kubernetes-types/rbac/v1.js";
export type { PriorityClass } from "kubernetes-types/scheduling/v1.js";

import type { DaemonSet, Deployment, StatefulSet } from "kubernetes-types/apps/v1.js";
import type { HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2.js";
import type {
  ConfigMap,
  Namespace,
  PersistentVolumeClaim,
  Secret,
  Service,
  ServiceAccount,
} from "kubernetes-types/core/v1.js";
import type { NetworkPolicy } from "kubernetes-types/networking/v1.js";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1.js";
import type {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from "kubernetes-types/rbac/v1.js";
import type { PriorityClass } from "kubernetes-types/scheduling/v1.js";

/** Any object that is not one of the built-in kinds we type: CRDs, custom resources, APIService, Ingress... */
export interface GenericKubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta & { name: string };
  [field: string]: unknown;
}

/** Built-in kinds the builders produce; every one has apiVersion, kind and a named metadata. */
type Named<T> = T & { apiVersion: string; kind: string; metadata: ObjectMeta & { name: string } };

export type KubeObject =
  | Named<Namespace>
  | Named<ServiceAccount>
  | Named<Role>
  | Named<ClusterRole>
  | Named<RoleBinding>
  | Named<ClusterRoleBinding>
  | Named<ConfigMap>
  | Named<Secret>
  | Named<Service>
  | Named<Deployment>
  | Named<StatefulSet>
  | Named<DaemonSet>
  | Named<PersistentVolumeClaim>
  | Named<PodDisruptionBudget>
  | Named<NetworkPolicy>
  | Named<HorizontalPodAutoscaler>
  | Named<PriorityClass>
  | GenericKubeObject;

/** Workload kinds that carry a pod template. */
export type Workload = Named<Deployment> | Named<StatefulSet> | Named<DaemonSet>;

export function isWorkload(object: KubeObject): object is Workload {
  return (
    object.apiVersion === "apps/v1" &&
    (object.kind === "Deployment" || object.kind === "StatefulSet" || object.kind === "DaemonSet")
  );
}

export function objectKey(object: Pick<KubeObject, "apiVersion" | "kind" | "metadata">): string {
  const namespace = object.metadata.namespace ? `${object.metadata.namespace}/` : "";
  return `${object.kind}/${namespace}${object.metadata.name}`;
}
