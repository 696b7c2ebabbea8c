export { ChannelConfigError, saveRule, savePushSubscription } from '../src/index.js';
export { UNCHANGED_SECRET as UNCHANGED } from '@panoptes/crypto';
