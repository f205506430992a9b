export { channels, STORE_PROTOCOL } from './channels-service.js'
export type { ChannelsApi, ChannelsComponents, ChannelsInit, ChannelsService, ChannelPostView, ChannelInfo, UpdatesEntry, NewPost, PostKindName } from './channels-service.js'
export type { ChannelSearchResult } from './directory.js'
export { channelDirectoryDht, mergeKeywordRecords, mergeKeywordRecordsOnStore, type ChannelDirectoryDht } from './directory-store.js'
