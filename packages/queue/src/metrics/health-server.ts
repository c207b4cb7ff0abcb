import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface Readiness {
  ok: boolean;
  /** Why not ready, for a person: 'redis unreachable', 'model not loaded', 'shutting down'. */
  reasons: string[];
}

/**
 * An extra route handler (the ingest service's HTTP API). Return true when it handled the
 * request; false lets the health server answer 404.
 */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface HealthServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Address to bind (HTTP_HOST). */
  host: string;
  registry: Registry;
  ready: () => Promise<Readiness>;
  routes?: RouteHandler;
}

export interface HealthServer {
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Serves GET /metrics, /healthz (alive while the process answers) and /readyz (200 or 503). */
export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((req, res) => {
    handle(opts, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy(err instanceof Error ? err : undefined);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive connections (Prometheus, kubelet) would hold close() open until they time out.
        server.closeIdleConnections();
      }),
  };
}

async function handle(opts: HealthServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const builtIn = path === '/metrics' || path === '/healthz' || path === '/readyz';
  if (builtIn && req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    sendJson(res, 405, { error: 'method not allowed' });
    return;
  }
  switch (path) {
    case '/metrics': {
      const body = await opts.registry.metrics();
      res.writeHead(200, { 'Content-Type': opts.registry.contentType });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    case '/healthz':
      sendJson(res, 200, { ok: true });
      return;
    case '/readyz': {
      let readiness: Readiness;
      try {
        readiness = await opts.ready();
      } catch {
        readiness = { ok: false, reasons: ['readiness check failed'] };
      }
      sendJson(res, readiness.ok ? 200 : 503, readiness);
      return;
    }
  }
  if (opts.routes && (await opts.routes(req, res))) return;
  sendJson(res, 404, { error: 'not found' });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
