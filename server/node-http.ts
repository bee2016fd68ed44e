// node:http, loaded through require: importing it as an ES module builds a facade that reads every
// export, and one of them loads undici (fetch's HTTP client) for nothing, some 15 ms of a cold start
// (bench/README.md, round 5). Type-only imports of node:http cost nothing and stay as they are.

import { createRequire } from 'node:module';

export const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');
