// Graceful shutdown, the application's part (docs/reliability.md). Once closing starts, every
// response closes its connection, so that the listeners (closed already, server/emulator.ts) can
// finish; a request still reaching a route then (one pipelined on a busy connection) is served as
// usual, since the database is closed only after the last connection (Fastify would answer it
// with a 503 of its own, not a CloudError: see `return503OnClosing` in server/app.ts).

import type { FastifyInstance } from 'fastify';

export function registerGracefulClose(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // A callback hook: it runs on every answer, nearly always with nothing to do.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}
