// The sessions table from the settings: its DynamoDB client, tuned to fail fast, and its name; and the stores that
// operations build on it, once per container. Imported by the handlers whose operations use the table only.
import type { TableConfig } from '../config/config.js';
import { readTableConfig } from '../config/config.js';
import { createDocumentClient } from '../dynamodb/client.js';
import { shortCodes } from '../dynamodb/short-codes.js';
import { tableOf, type Table } from '../dynamodb/table.js';
import type { StoreProvider } from '../http/middleware/provide-store.js';
import type { SessionStore, ShortCodes } from '../sessions/store.js';
import type { Services } from './services.js';

const tableFrom = (config: TableConfig): Table =>
  tableOf(
    createDocumentClient({
      region: config.region,
      endpoint: config.dynamoDbEndpoint,
      requestTimeoutMs: config.dynamoDbRequestTimeoutMs,
      connectTimeoutMs: config.dynamoDbConnectTimeoutMs,
    }),
    config.tableName,
  );

/** For a function that needs nothing but the table (the stream reaper): a bad setting fails its start, loudly. */
export function tableFromEnv(env: Record<string, string | undefined> = process.env): Table {
  const read = readTableConfig(env);
  if ('problems' in read) throw new Error(`configuration invalid: ${read.problems.join('; ')}`);
  return tableFrom(read.config);
}

const tables = new WeakMap<Services, Table>();

/** The sessions table of a container's settings: one client, shared by every operation the container serves. */
export function sessionsTable(services: Services): Table {
  let table = tables.get(services);
  if (!table) tables.set(services, (table = tableFrom(services.config)));
  return table;
}

const lookups = new WeakMap<Services, ShortCodes>();

/** An operation's store, made of the parts it declares on the sessions table (or the whole store Services holds). */
export function onSessionsTable<K extends keyof SessionStore>(build: (table: Table) => Pick<SessionStore, K>): StoreProvider<K> {
  const built = new WeakMap<Services, Pick<SessionStore, K>>();
  return {
    store(services) {
      if (services.store) return services.store;
      let store = built.get(services);
      if (!store) built.set(services, (store = build(sessionsTable(services))));
      return store;
    },
    shortCodes(services) {
      if (services.store) return services.store;
      let lookup = lookups.get(services);
      if (!lookup) lookups.set(services, (lookup = shortCodes(sessionsTable(services))));
      return lookup;
    },
  };
}
