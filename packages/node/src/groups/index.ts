export { groups, JOIN_PROTOCOL, WELCOME_PROTOCOL, HISTORY_PROTOCOL } from './groups-service.js'
export type { GroupsComponents, GroupsInit, GroupsService } from './groups-service.js'
