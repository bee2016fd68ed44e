// The command line (started by cli.ts): options, start-up lines, clean shutdown on SIGTERM/SIGINT.

import { ConfigError, helpText, parseConfig } from './config.js';
import { emulatorVersion, SeedFileError, startEmulator } from './emulator.js';
import { DatabaseDamagedError } from './store/database.js';

const NAME = 'compute-patch-emulator';
/** A shutdown that takes longer than this is cut short. */
/** Beyond the grace for requests in flight: time to fold the write-ahead log in and close. */
const SHUTDOWN_MARGIN_MS = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${NAME}: ${error.message} (see --help)\n`);
    process.exit(2);
  }
  if (config.help) {
    process.stdout.write(helpText());
    return;
  }
  if (config.version) {
    process.stdout.write(`${emulatorVersion()}\n`);
    return;
  }

  // A reader of stdout that went away (EPIPE) must not stop the emulator or fail its shutdown.
  process.stdout.on('error', () => undefined);
  let emulator;
  try {
    emulator = await startEmulator(config);
  } catch (error) {
    // A wrong option, or a file or folder it names that cannot be used: status 2, as for a bad flag.
    if (error instanceof ConfigError) {
      process.stderr.write(`${NAME}: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${NAME}: cannot start: ${(error as Error).message}\n`);
    process.exit(error instanceof SeedFileError ? 2 : error instanceof DatabaseDamagedError ? 3 : 1);
  }
  // The handlers are in place before the ready block: a signal sent as soon as it is read is handled.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const limitMs = config.shutdownGrace * 1000 + SHUTDOWN_MARGIN_MS;
    const timer = setTimeout(() => {
      process.stderr.write(`${NAME}: shutdown took over ${limitMs} ms, exiting\n`);
      process.exit(1);
    }, limitMs);
    timer.unref();
    // close() stops both listeners before it returns: the line below is then true.
    const closing = emulator.close();
    process.stdout.write(`${NAME}: stopping (${signal}): no new connections, finishing requests in flight\n`);
    closing.then(
      () => {
        process.stdout.write(`${NAME}: stopped (${signal})\n`);
        process.exit(0);
      },
      (error: Error) => {
        process.stderr.write(`${NAME}: shutdown failed: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  const store = emulator.services.storeHealth.condition();
  if (store.store === 'damaged') process.stderr.write(`${NAME}: warning: ${store.detail} (started with --allow-damaged-database)\n`);
  process.stdout.write(
    [
      `${NAME} ${emulatorVersion()} is ready`,
      `  HTTPS   ${emulator.httpsUrl}`,
      `  HTTP    ${emulator.httpUrl}`,
      `  UI      ${emulator.httpUrl}/_emulator/ui`,
      `  data    ${config.inMemory ? `${emulator.dataDir} (database in memory)` : emulator.dataDir}`,
      `  trust   ${emulator.certPath}   (NODE_EXTRA_CA_CERTS=${emulator.certPath})`,
      // Set by the image: the path above is inside the container.
      ...(process.env.CPE_IN_CONTAINER === 'true' ? [`  copy    docker cp <container>:${emulator.certPath} ./cpe-cert.pem   (or podman cp)`] : []),
      '',
    ].join('\n'),
  );
}

await main();
