export {
  type ApplyOptions,
  type ApplyResult,
  applyStack,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_TIMEOUT_MS,
  type ObjectResult,
} from "./apply.js";
export {
  APPLYSET_GROUP_KINDS_ANNOTATION,
  APPLYSET_ID_LABEL,
  APPLYSET_NAMESPACES_ANNOTATION,
  APPLYSET_PART_OF_LABEL,
  APPLYSET_TOOLING_ANNOTATION,
  type ApplySet,
  ApplySetError,
  type ApplySetParentRef,
  applySetId,
  createApplySet,
  defaultApplySetParent,
} from "./applyset.js";
export {
  type ClientOptions,
  createKubeClient,
  FIELD_MANAGER,
  KubeApiError,
  type KubeClient,
  type KubeConfigOptions,
  KubeConnectionError,
  loadKubeConfig,
} from "./client.js";
export {
  CLUSTER_EXIT,
  CommandExit,
  type CommandIO,
  type LoadStack,
  parseDuration,
  type RegisterOptions,
  registerApplyCommands,
  type StackForCluster,
} from "./commands.js";
export { type DiffResult, diffStack, formatDiffs, type ObjectDiff } from "./diff.js";
export { describeError, fieldConflicts, formatConflict } from "./errors.js";
export { createReporter, type ProgressEvent, type Reporter, reporterMode } from "./progress.js";
export { deletionOrder, deletionPhase, selectPrune } from "./prune.js";
export {
  createDiscovery,
  createResourceApi,
  type LiveObject,
  type ObjectRef,
  type ResourceApi,
} from "./resources.js";
export { backoffSchedule, DEFAULT_RETRY, type RetryPolicy } from "./retry.js";
export {
  createMissingSecrets,
  GENERATED_SECRET_LABEL,
  type MissingSecretSpec,
  type SecretOutcome,
} from "./secrets.js";
export { formatStatusTable, type StatusResult, stackStatus } from "./status.js";
export { type UninstallOptions, type UninstallResult, uninstallStack } from "./uninstall.js";
export {
  crdStatus,
  daemonSetStatus,
  deploymentStatus,
  type Readiness,
  readiness,
  statefulSetStatus,
} from "./wait.js";
