export { EVENT_CATALOG, isEventPattern, isEventType, matchesEventType, type NotificationEvent } from './events.js';
export { renderTemplate, escapeHtml, type Escaping } from './template.js';
export { DEFAULT_TEMPLATES, renderMessage, templateVariables, type ChannelTemplates, type RenderedMessage } from './render.js';
export {
  CHANNEL_CONFIGS,
  SECRET_FIELDS,
  validateChannelConfig,
  type BrowserPushConfig,
  type ChannelConfig,
  type ConfigProblem,
  type EmailConfig,
  type TelegramConfig,
  type WebhookConfig,
} from './channels/config.js';
export { ChannelConfigError, ChannelStore, type ChannelInput, type ChannelView, type LoadedChannel } from './channels.js';
export { matchingRules, saveRule, type MatchedRule, type RuleInput } from './rules.js';
export { Notifier, type DeliveryResult, type NotifierOptions, type RecordedDelivery, type RetryPolicy } from './notifier.js';
export { ensureVapidKeys, VAPID_SETTINGS } from './vapid.js';
export { savePushSubscription } from './subscriptions.js';
export type { VapidKeys } from './channels/push.js';
