export { communities, CommunitiesService, flagFields } from './communities-service.js'
export type { CommunitiesComponents, CommunitiesInit, CommunityView, CommunityGroupView, FanOut, ReportTarget } from './communities-service.js'
export type { StoredReport as CommunityReport, StoredRequest as CommunityJoinRequest } from './community-store.js'
