/** The NetworkPolicy peer value lives in core; these names are kept for this package's API. */
export {
  type NetworkPeer,
  type NetworkPeerInput,
  networkPeerSchema as networkPeer,
  toNetworkPolicyPeer,
} from "@materialize-monitoring/core";
