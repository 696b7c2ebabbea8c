import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

/** What the peer answers to one request: status, headers, body, and an optional delay. */
export interface Scripted {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly delayMs?: number;
}

/**
 * An HTTP server on 127.0.0.1 that records every request and answers from a script (then with the
 * default). Bounded: it only answers what it receives and is closed by the test.
 */
export class HttpPeer {
  readonly requests: ReceivedRequest[] = [];
  readonly #script: Scripted[] = [];
  #server: Server | undefined;
  port = 0;

  constructor(
    private readonly fallback: (request: ReceivedRequest) => Scripted = () => ({ status: 200, body: 'ok' }),
    private readonly inspect?: (request: ReceivedRequest) => void,
    private readonly tls?: { readonly key: string; readonly cert: string },
  ) {}

  script(...answers: Scripted[]): this {
    this.#script.push(...answers);
    return this;
  }

  get url(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const listener: RequestListener = (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
        this.requests.push(request);
        this.inspect?.(request);
        const answer = this.#script.shift() ?? this.fallback(request);
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(answer.status, answer.headers ?? {});
          res.end(answer.body ?? '');
        }, answer.delayMs ?? 0);
      });
    };
    this.#server = this.tls ? createTlsServer(this.tls, listener) : createServer(listener);
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server!.address() as { port: number }).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
