export type { ThanosEndpoints, ThanosPortKey, ThanosService } from "./endpoints.js";
export { THANOS_READ_PATHS, thanosGatewayConfig } from "./gateway.js";
export {
  MEMCACHED_VERSION,
  PORT as THANOS_PORTS,
  THANOS_VERSION,
  type ThanosNames,
  thanosNames,
} from "./names.js";
export { PRESETS, type Preset, type PresetName } from "./presets.js";
export { type Hashring, thanosReceiveHashring } from "./receive.js";
export { GENERATED_RULES_KEY } from "./ruler.js";
export {
  type AlertingRule,
  alertingRule,
  type RecordingRule,
  type Rule,
  type RuleGroup,
  type RuleGroupInput,
  recordingRule,
  rule,
  ruleFile,
  ruleGroup,
} from "./rules.js";
export { thanos, thanosEndpoints } from "./thanos.js";
export {
  type AlertmanagerTarget,
  alertmanagerTarget,
  type ParsedThanosValues,
  type ThanosValues,
  thanosValues,
} from "./values.js";
