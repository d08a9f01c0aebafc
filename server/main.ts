/** The entry: read config, start the server, stop it cleanly on SIGTERM/SIGINT. */
import { ConfigError, loadConfig, settings } from './config.js';
import { createLogger, errorText } from './log.js';
import { startServer } from './server.js';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  const rows = settings.map(
    ([name, fallback, meaning]) => `  ${name.padEnd(20)}${meaning} (default: ${fallback || 'none'})`,
  );
  process.stdout.write(
    `Switchboard: realtime chat server.\n\nUsage: npm start   (or: node dist/server/main.js)\n\nSettings, from environment variables:\n${rows.join('\n')}\n`,
  );
  process.exit(0);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  process.stderr.write(`switchboard: ${err instanceof ConfigError ? err.message : errorText(err)}\n`);
  process.exit(2);
}
const log = createLogger(config.logLevel);

// NOTE: a failure in one handler must never take every user's connection down with it.
process.on('unhandledRejection', (err) =>
  log.error('process.unhandled_rejection', { error: errorText(err) }),
);
process.on('uncaughtException', (err) => log.error('process.uncaught_exception', { error: errorText(err) }));

try {
  const server = await startServer(config, log);
  const shown = config.host === '127.0.0.1' || config.host === '0.0.0.0' ? 'localhost' : config.host;
  process.stdout.write(`\n  Switchboard is running: open http://${shown}:${server.port}\n\n`);
  if (server.setupCode) {
    process.stdout.write(
      `  No account yet: the first one becomes the admin. From another machine, enter the setup code\n  ${server.setupCode} when you create it (on this machine it is not needed).\n\n`,
    );
  }
  const stop = (signal: string) => {
    log.info('process.signal', { signal });
    // The drain is bounded (see server.stop); this is the backstop if something still hangs.
    const force = setTimeout(() => {
      log.error('server.stop_timeout', { ms: config.shutdownTimeoutMs });
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    server.stop().then(
      () => process.exit(0),
      (err) => {
        log.error('server.stop_failed', { error: errorText(err) });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
} catch (err) {
  log.error('server.start_failed', { error: errorText(err) });
  process.exit(1);
}
