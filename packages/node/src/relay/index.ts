export { relay, RELAY_REGISTER_PROTOCOL, RELAY_STORE_PROTOCOL, RELAY_HISTORY_PROTOCOL } from './relay-service.js'
export type { RelayComponents, RelayInit, RelayService, RelayStats, RejectReason } from './relay-service.js'
