// A JWKS endpoint on 127.0.0.1 (node:http) whose answer a test sets, hangs on demand, counts what it is asked, and
// keeps its port across a restart so that the issuer's URL stays the same.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type Answer = { status: number; body: string } | 'hang';

export class JwksServer {
  answer: Answer = { status: 200, body: '{"keys":[]}' };
  readonly requests: string[] = [];
  private server: Server | undefined;
  private port = 0;

  get running(): boolean {
    return this.server !== undefined;
  }

  /** The issuer URL whose /.well-known/jwks.json this serves. */
  get issuer(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get fetches(): number {
    return this.requests.length;
  }

  serve(jwks: unknown, status = 200): void {
    this.answer = { status, body: typeof jwks === 'string' ? jwks : JSON.stringify(jwks) };
  }

  async start(): Promise<void> {
    const server = createServer((req: IncomingMessage, res) => {
      this.requests.push(req.url ?? '');
      const answer = this.answer;
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
