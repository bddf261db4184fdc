// Structured JSON logs through Powertools' Logger: one line per entry, with the Lambda context and the request's
// correlation keys (operation, request id, session id) that the http pipeline appends. Never pass a token or a
// request body.
import { Logger } from '@aws-lambda-powertools/logger';

type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS = new Set(['DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT']);
const configured = process.env.LOG_LEVEL?.toUpperCase();

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'session-service',
  logLevel: (configured && LEVELS.has(configured) ? configured : 'INFO') as 'INFO',
});

export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  logger[level](message, fields);
}
