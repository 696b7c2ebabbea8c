import nodemailer from 'nodemailer';
import type { EmailConfig } from './config.js';
import { networkFailure, type AttemptOutcome } from './outcome.js';
import type { SentRequest } from './webhook.js';

/** SMTP through nodemailer. A 5xx SMTP reply is permanent; connection trouble and 4xx are retried. */
export async function sendEmail(config: EmailConfig, message: { readonly subject: string; readonly text: string; readonly html: string }): Promise<SentRequest> {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.tls === 'tls',
    requireTLS: config.tls === 'starttls',
    ignoreTLS: config.tls === 'none',
    ...(config.user !== undefined ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
  });
  const record = { host: config.host, port: config.port, from: config.from, to: config.to, subject: message.subject, text: message.text };
  let outcome: AttemptOutcome;
  try {
    const info = await transport.sendMail({ from: config.from, to: config.to, subject: message.subject, text: message.text, html: message.html });
    outcome = { kind: 'sent', detail: `accepted by ${info.accepted.length} recipient(s)` };
  } catch (error) {
    const code = (error as { responseCode?: number }).responseCode;
    if (code !== undefined && code >= 500) outcome = { kind: 'failed', error: `SMTP ${code}: ${(error as Error).message}` };
    else if (code !== undefined) outcome = { kind: 'retry', error: `SMTP ${code}: ${(error as Error).message}` };
    else outcome = networkFailure(error);
  } finally {
    transport.close();
  }
  return { outcome, record };
}
