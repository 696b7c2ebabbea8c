import type { ChannelType } from '@panoptes/db-core';
import type { NotificationEvent } from './events.js';
import { renderTemplate } from './template.js';

/** A channel's own templates (the `template` column, JSON); missing parts use the defaults. */
export interface ChannelTemplates {
  readonly subject?: string;
  readonly body?: string;
  readonly title?: string;
}

export const DEFAULT_TEMPLATES: Readonly<Record<ChannelType, Required<ChannelTemplates>>> = {
  webhook: { subject: '', title: '', body: '' },
  email: {
    subject: '[Panoptes] {{event.severity}}: {{summary}}',
    title: '',
    body: '{{summary}}\n\nType: {{event.type}}\nSeverity: {{event.severity}}\nHost: {{event.host}}\nTime: {{event.time}}\n{{suppressed_text}}\nDetails: {{event.payload}}',
  },
  telegram: { subject: '', title: '', body: '<b>{{event.severity}}</b> {{summary}}\n{{suppressed_text}}\n<code>{{event.payload}}</code>' },
  browser_push: { subject: '', title: 'Panoptes: {{event.type}}', body: '{{summary}} {{suppressed_text}}' },
};

/** The variables templates see. */
export function templateVariables(event: NotificationEvent, suppressed: number): Record<string, unknown> {
  const host = event.host?.domain ?? null;
  const summary = `${event.type}${host ? ` on ${host}` : ''}${typeof event.payload.message === 'string' ? `: ${event.payload.message}` : ''}`;
  return {
    event: { type: event.type, severity: event.severity, project: event.projectUuid, host: host ?? '', time: new Date(event.time).toISOString(), payload: event.payload },
    summary,
    suppressed,
    suppressed_text: suppressed > 0 ? `(${suppressed} similar event${suppressed === 1 ? '' : 's'} suppressed since the last message)` : '',
  };
}

export type RenderedMessage =
  | { readonly type: 'webhook'; readonly body: string }
  | { readonly type: 'email'; readonly subject: string; readonly text: string; readonly html: string }
  | { readonly type: 'telegram'; readonly text: string }
  | { readonly type: 'browser_push'; readonly payload: string };

/** Renders an event for a channel: no code runs, HTML outputs are escaped. Also the preview. */
export function renderMessage(
  type: ChannelType,
  event: NotificationEvent,
  options: { readonly suppressed?: number; readonly templates?: ChannelTemplates | null; readonly webhookFormat?: 'generic' | 'slack' | 'discord'; readonly deliveryId?: string },
): RenderedMessage {
  const variables = templateVariables(event, options.suppressed ?? 0);
  const t = { ...DEFAULT_TEMPLATES[type], ...(options.templates ?? {}) };
  switch (type) {
    case 'webhook': {
      if (options.templates?.body) return { type, body: renderTemplate(options.templates.body, variables, 'json') };
      const text = `[${event.severity}] ${String(variables.summary)}${options.suppressed ? ` ${String(variables.suppressed_text)}` : ''}`;
      if (options.webhookFormat === 'slack') return { type, body: JSON.stringify({ text }) };
      if (options.webhookFormat === 'discord') return { type, body: JSON.stringify({ content: text.slice(0, 2000) }) };
      return {
        type,
        body: JSON.stringify({
          id: options.deliveryId ?? null,
          type: event.type,
          severity: event.severity,
          project: event.projectUuid,
          host: event.host?.domain ?? null,
          time: new Date(event.time).toISOString(),
          summary: variables.summary,
          suppressed: options.suppressed ?? 0,
          payload: event.payload,
        }),
      };
    }
    case 'email': {
      const text = renderTemplate(t.body, variables, 'none');
      const html = `<pre style="font-family: monospace">${renderTemplate(t.body, variables, 'html')}</pre>`;
      return { type, subject: renderTemplate(t.subject, variables, 'none').replace(/[\r\n]+/g, ' ').slice(0, 200), text, html };
    }
    case 'telegram':
      return { type, text: renderTemplate(t.body, variables, 'html').slice(0, 4096) };
    case 'browser_push':
      return {
        type,
        payload: JSON.stringify({ title: renderTemplate(t.title, variables, 'none'), body: renderTemplate(t.body, variables, 'none').trim(), type: event.type, severity: event.severity }),
      };
  }
}
