// JSON logs to stdout (pino). Bundled pino transports hang on Lambda, and a container or
// systemd collects stdout anyway. Redaction is the last line of defence: nothing should pass
// secrets to the logger in the first place.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: null, // no pid or hostname: the platform adds its own
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization'],
      censor: '[redacted]',
    },
  });
}
