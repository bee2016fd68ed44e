// Route schemas compiled on a route's first request rather than at start. Fastify compiles every
// route's validator (ajv) and response serializer (fast-json-stringify) while it starts, and with
// some sixty routes that was about a quarter of a start's CPU time (bench/README.md), for routes a
// test run mostly never calls. These are Fastify's own compilers, with Fastify's options, wrapped so
// that each compiles when first used: what they accept, refuse and write is unchanged.
// https://fastify.dev/docs/latest/Reference/Server/#schemacontroller

import { createRequire } from 'node:module';
import type AjvCompiler from '@fastify/ajv-compiler';
import type SerializerCompiler from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type ValidatorFactory = ReturnType<typeof AjvCompiler>;
type SerializerFactory = ReturnType<typeof SerializerCompiler>;
type Validate = ((data: unknown, dataContext?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };

// The compilers' modules too (ajv, fast-json-stringify: some 30 ms of a start) are loaded on first
// use, through require, which, unlike import(), can run inside a synchronous compile.
const require = createRequire(import.meta.url);
let validatorFactory: ValidatorFactory | undefined;
let serializerFactory: SerializerFactory | undefined;
const buildValidator: ValidatorFactory = (externalSchemas, options) =>
  (validatorFactory ??= (require('@fastify/ajv-compiler') as typeof AjvCompiler)())(externalSchemas, options);
const buildSerializer: SerializerFactory = (externalSchemas, options) =>
  (serializerFactory ??= (require('@fastify/fast-json-stringify-compiler') as typeof SerializerCompiler)())(externalSchemas, options);

// Even the ajv instance (its meta-schema, formats and the shared schemas) is made on first use.
const lazyValidators: ValidatorFactory = (externalSchemas, options) => {
  let compile: ReturnType<ValidatorFactory> | undefined;
  return (route) => {
    let compiled: Validate | undefined;
    const validator = () => (compiled ??= (compile ??= buildValidator(externalSchemas, options))(route) as unknown as Validate);
    const validate: Validate = (data, dataContext) => {
      const valid = validator()(data, dataContext);
      validate.errors = validator().errors;
      return valid;
    };
    // Fastify reads `schemaEnv` to decide how to call an ajv function: compile when it asks.
    Object.defineProperty(validate, 'schemaEnv', { get: () => validator().schemaEnv });
    return validate as unknown as ReturnType<ReturnType<ValidatorFactory>>;
  };
};

const lazySerializers: SerializerFactory = (externalSchemas, options) => {
  let compile: ReturnType<SerializerFactory> | undefined;
  return (route) => {
    let compiled: ((data: unknown) => string) | undefined;
    return (data: unknown) => (compiled ??= (compile ??= buildSerializer(externalSchemas, options))(route) as (data: unknown) => string)(data);
  };
};

/** Fastify's `schemaController` option. */
export const lazySchemaController: FastifyServerOptions['schemaController'] = {
  compilersFactory: { buildValidator: lazyValidators, buildSerializer: lazySerializers },
};
