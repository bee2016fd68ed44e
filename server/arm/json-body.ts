// The JSON body parser: Fastify's own, with two changes for hostile bodies (docs/reliability.md).
// - `__proto__` and `constructor.prototype` keys are dropped, not refused: ARM ignores properties it
//   does not know, so such a body is answered like one without them, and never reaches a prototype.
// - An empty body is no body, not an error: only the routes that need one refuse it.
// - Nesting deeper than MAX_JSON_DEPTH is refused before parsing, so that a body that was accepted
//   can always be serialised again (the journal, a stored VM definition) without a stack overflow.

import type { FastifyInstance } from 'fastify';
import { jsonDepth } from '../../simulator/json-depth.js';
import { jsonTooDeep, MAX_JSON_DEPTH } from './errors.js';

export function registerJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('remove', 'remove');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // A bodiless POST sent with `Content-Type: application/json` (curl, PowerShell, the Azure SDK for
    // Java and hand-written clients do this for assessPatches and the power actions) is a request
    // without a body, as ARM takes it; a route that needs a body then refuses it as missing.
    if ((body as string).trim() === '') {
      done(null, undefined);
      return;
    }
    if (jsonDepth(body as string) > MAX_JSON_DEPTH) {
      done(jsonTooDeep(), undefined);
      return;
    }
    parse(request, body as string, done);
  });
}
