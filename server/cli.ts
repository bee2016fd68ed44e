#!/usr/bin/env node
// The command-line entry. It turns on Node's compile cache first: compiling the modules is most of
// a cold start, and the cache keeps their compiled code on disk for the next one
// (https://nodejs.org/api/module.html#module-compile-cache; in the system's temporary folder unless
// NODE_COMPILE_CACHE names another, off with NODE_DISABLE_COMPILE_CACHE=1). Only modules loaded
// after it benefit, so everything else is loaded from here, once it is on.

import module from 'node:module';

module.enableCompileCache?.();
await import('./command.js');
