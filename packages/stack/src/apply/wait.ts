import type { LiveObject, ObjectRef, ResourceApi } from "./resources.js";
import { type Clock, realClock } from "./retry.js";

/** Where an object stands: done, still moving, or stuck for good. */
export interface Readiness {
  state: "ready" | "progressing" | "failed";
  message: string;
}

const ready = (message: string): Readiness => ({ state: "ready", message });
const progressing = (message: string): Readiness => ({ state: "progressing", message });
const failed = (message: string): Readiness => ({ state: "failed", message });

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

function num(value: unknown): number {
  return typeof value === "number" ? value : 0;
}

function optionalNum(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

function conditions(object: LiveObject): Condition[] {
  const list = record(object.status).conditions;
  return Array.isArray(list) ? (list as Condition[]) : [];
}

/**
 * Deployment rollout, as `kubectl rollout status` decides it: the controller
 * has observed the current generation, every replica is updated, no old
 * replica is left, and every updated replica is available. A Progressing
 * condition with reason ProgressDeadlineExceeded is a failure.
 */
export function deploymentStatus(object: LiveObject): Readiness {
  const spec = record(object.spec);
  const status = record(object.status);
  const generation = num(object.metadata.generation);
  if (generation > num(status.observedGeneration))
    return progressing("waiting for the deployment spec update to be observed");
  const progress = conditions(object).find((c) => c.type === "Progressing");
  if (progress?.reason === "ProgressDeadlineExceeded")
    return failed(
      `exceeded its progress deadline${progress.message ? `: ${progress.message}` : ""}`,
    );
  const wanted = optionalNum(spec.replicas);
  const updated = num(status.updatedReplicas);
  if (wanted !== undefined && updated < wanted)
    return progressing(`${updated} of ${wanted} new replicas updated`);
  const total = num(status.replicas);
  if (total > updated) return progressing(`${total - updated} old replicas pending termination`);
  const available = num(status.availableReplicas);
  if (available < updated)
    return progressing(`${available} of ${updated} updated replicas available`);
  return ready(`rolled out (${available} available)`);
}

/**
 * StatefulSet rollout, as kubectl decides it (RollingUpdate only): the
 * generation is observed, spec.replicas pods are ready, and then either the
 * partition's share of pods is updated (when a partition is set, as the API
 * server's defaults do) or currentRevision has caught up with updateRevision.
 */
export function statefulSetStatus(object: LiveObject): Readiness {
  const spec = record(object.spec);
  const status = record(object.status);
  const strategy = record(spec.updateStrategy);
  const type = (strategy.type as string | undefined) ?? "RollingUpdate";
  if (type !== "RollingUpdate") return ready(`not waiting: updateStrategy is ${type}`);
  const observed = num(status.observedGeneration);
  if (observed === 0 || num(object.metadata.generation) > observed)
    return progressing("waiting for the statefulset spec update to be observed");
  const wanted = optionalNum(spec.replicas);
  const readyReplicas = num(status.readyReplicas);
  if (wanted !== undefined && readyReplicas < wanted)
    return progressing(`${readyReplicas} of ${wanted} pods ready`);
  const rolling = strategy.rollingUpdate === undefined ? undefined : record(strategy.rollingUpdate);
  if (rolling) {
    const partition = optionalNum(rolling.partition);
    const updated = num(status.updatedReplicas);
    if (wanted !== undefined && partition !== undefined) {
      if (updated < wanted - partition)
        return progressing(`${updated} of ${wanted - partition} new pods updated`);
    }
    return ready(`rolled out (${updated} pods updated)`);
  }
  if (status.updateRevision !== status.currentRevision)
    return progressing(
      `${num(status.updatedReplicas)} pods at revision ${String(status.updateRevision)}, waiting for the rest`,
    );
  return ready(`rolled out (revision ${String(status.currentRevision)})`);
}

/**
 * DaemonSet rollout, as kubectl decides it (RollingUpdate only): generation
 * observed, updatedNumberScheduled and numberAvailable reach desiredNumberScheduled.
 */
export function daemonSetStatus(object: LiveObject): Readiness {
  const spec = record(object.spec);
  const status = record(object.status);
  const type = (record(spec.updateStrategy).type as string | undefined) ?? "RollingUpdate";
  if (type !== "RollingUpdate") return ready(`not waiting: updateStrategy is ${type}`);
  if (num(object.metadata.generation) > num(status.observedGeneration))
    return progressing("waiting for the daemon set spec update to be observed");
  const desired = num(status.desiredNumberScheduled);
  const updated = num(status.updatedNumberScheduled);
  if (updated < desired) return progressing(`${updated} of ${desired} new pods updated`);
  const available = num(status.numberAvailable);
  if (available < desired) return progressing(`${available} of ${desired} updated pods available`);
  return ready(`rolled out (${available} of ${desired} available)`);
}

/** A CRD can be used once Established; NamesAccepted=False will never get there. */
export function crdStatus(object: LiveObject): Readiness {
  const list = conditions(object);
  const names = list.find((c) => c.type === "NamesAccepted");
  if (names?.status === "False")
    return failed(`names not accepted: ${names.message ?? names.reason ?? "conflict"}`);
  const established = list.find((c) => c.type === "Established");
  if (established?.status === "True") return ready("established");
  return progressing("waiting to be established");
}

export function isWorkloadKind(ref: Pick<ObjectRef, "apiVersion" | "kind">): boolean {
  return (
    ref.apiVersion === "apps/v1" &&
    (ref.kind === "Deployment" || ref.kind === "StatefulSet" || ref.kind === "DaemonSet")
  );
}

export function isCrd(ref: Pick<ObjectRef, "apiVersion" | "kind">): boolean {
  return (
    ref.kind === "CustomResourceDefinition" && ref.apiVersion.startsWith("apiextensions.k8s.io/")
  );
}

/** Readiness of any object: workloads and CRDs as above, a `Ready` condition if it has one, else existing is enough. */
export function readiness(object: LiveObject): Readiness {
  if (object.metadata.deletionTimestamp) return progressing("being deleted");
  if (object.apiVersion === "apps/v1") {
    if (object.kind === "Deployment") return deploymentStatus(object);
    if (object.kind === "StatefulSet") return statefulSetStatus(object);
    if (object.kind === "DaemonSet") return daemonSetStatus(object);
  }
  if (isCrd(object)) return crdStatus(object);
  if (object.kind === "Namespace" && object.apiVersion === "v1") {
    const phase = record(object.status).phase;
    return phase === "Terminating" ? progressing("terminating") : ready("active");
  }
  const readyCondition = conditions(object).find((c) => c.type === "Ready");
  if (readyCondition) {
    return readyCondition.status === "True"
      ? ready("Ready")
      : progressing(`not Ready${readyCondition.message ? `: ${readyCondition.message}` : ""}`);
  }
  return ready("exists");
}

export interface WaitOptions {
  /** `clock.now()` value after which waiting stops. */
  deadline: number;
  clock?: Clock;
  /** Pause between polling rounds. */
  intervalMs?: number;
  /** Called when an object's state or message changes. */
  onChange?: (ref: ObjectRef, readiness: Readiness) => void;
}

export interface WaitOutcome {
  ready: ObjectRef[];
  failed: { ref: ObjectRef; message: string }[];
  timedOut: { ref: ObjectRef; message: string }[];
}

/**
 * Polls objects (GET) until `evaluate` calls each ready or failed, or the
 * deadline passes. `evaluate` gets `undefined` for an object that does not exist.
 */
export async function waitFor(
  api: ResourceApi,
  refs: readonly ObjectRef[],
  evaluate: (live: LiveObject | undefined) => Readiness,
  options: WaitOptions,
): Promise<WaitOutcome> {
  const clock = options.clock ?? realClock;
  const interval = options.intervalMs ?? 2_000;
  const outcome: WaitOutcome = { ready: [], failed: [], timedOut: [] };
  const last = new Map<ObjectRef, string>();
  let pending = [...refs];
  while (pending.length > 0) {
    const still: ObjectRef[] = [];
    for (const ref of pending) {
      const state = evaluate(await api.get(ref));
      const key = `${state.state}:${state.message}`;
      if (last.get(ref) !== key) {
        last.set(ref, key);
        options.onChange?.(ref, state);
      }
      if (state.state === "ready") outcome.ready.push(ref);
      else if (state.state === "failed") outcome.failed.push({ ref, message: state.message });
      else still.push(ref);
    }
    pending = still;
    if (pending.length === 0) break;
    const left = options.deadline - clock.now();
    if (left <= 0) {
      for (const ref of pending) {
        const message = (last.get(ref) ?? "").replace(/^[a-z]+:/, "");
        outcome.timedOut.push({ ref, message });
      }
      break;
    }
    await clock.sleep(Math.min(interval, left));
  }
  return outcome;
}

/** Readiness for deletion: gone is ready. */
export function deletionStatus(live: LiveObject | undefined): Readiness {
  if (!live) return ready("deleted");
  const finalizers = live.metadata.finalizers;
  return progressing(
    Array.isArray(finalizers) && finalizers.length > 0
      ? `terminating (finalizers: ${finalizers.join(", ")})`
      : "terminating",
  );
}

/** Readiness for use: not existing yet is still progressing. */
export function existsAndReady(live: LiveObject | undefined): Readiness {
  return live ? readiness(live) : progressing("not found yet");
}
