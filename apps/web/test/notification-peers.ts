import { createHmac } from 'node:crypto';
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';

/** What the notification channels talk to in the journeys: webhook receivers and a Web Push service on 127.0.0.1. */
export interface Receiver {
  readonly url: string;
  readonly requests: { readonly headers: IncomingHttpHeaders; readonly body: Buffer }[];
  stop(): Promise<void>;
}

/** Records every request and answers `status`; over https with `tls` (push services speak only https). */
export async function receiver(status: number, tls?: { key: string; cert: string }): Promise<Receiver> {
  const requests: Receiver['requests'] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = status;
      res.end(status < 300 ? 'ok' : 'receiver is down for maintenance');
    });
  };
  const server = tls ? createHttpsServer(tls, handle) : createHttpServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as { port: number }).port}/hook`,
    requests,
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Standard Webhooks: v1 = base64 HMAC-SHA256 of `id.timestamp.body` with the secret's bytes. */
export function signatureValid(secret: string, request: Receiver['requests'][number]): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const { headers } = request;
  const expected = createHmac('sha256', key).update(`${String(headers['webhook-id'])}.${String(headers['webhook-timestamp'])}.${request.body.toString()}`).digest('base64');
  return String(headers['webhook-signature']).split(' ').includes(`v1,${expected}`);
}
