// The plain Node entry point: config → adapters → app → listen, plus the local job worker.
// SIGTERM/SIGINT: stop accepting connections, let the running job finish, close the database.
import { once } from 'node:events';
import { ConfigError, loadConfig } from './config.js';
import { startLocalRuntime } from './local-runtime.js';
import { createLogger } from './logger.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  const runtime = await startLocalRuntime(config, { log });
  const server = runtime.app.listen(config.port);
  await once(server, 'listening');
  log.info(
    { port: config.port, publicUrl: config.publicUrl, dataDir: config.dataDir },
    'pixtag listening',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    // Requests in flight get a few seconds to finish; then their connections are cut.
    const force = setTimeout(() => server.closeAllConnections(), 5000).unref();
    // The worker finishes its job meanwhile; the database closes only after the last request,
    // or a request in flight would fail on a closed connection.
    const stopWorker = runtime.worker.stop();
    await closed;
    clearTimeout(force);
    await stopWorker;
    await runtime.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `pixtag failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
