export { groups, JOIN_PROTOCOL, WELCOME_PROTOCOL } from './groups-service.js'
export { HISTORY_PROTOCOL } from '../history-server.js'
export type { GroupsComponents, GroupsInit, GroupsService } from './groups-service.js'
