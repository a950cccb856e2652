// Kizuki's store: import from here. See schema.ts for the tables and their conventions.
export { StoreError, type StoreErrorCode } from './errors.js';
export { LATEST_SCHEMA_VERSION } from './migrations.js';
export { type OpenStoreOptions, openStore } from './open.js';
export { type KeptRawMessage, keepRawMessage } from './raw.js';
export type {
  EventQuery,
  JudgedMessage,
  PurgeOutcome,
  RejectedItem,
  Store,
  UpsertOutcome,
  WriteOutcome,
} from './types.js';
export { DEFAULT_DATA_DIR, DEFAULT_DATABASE_FILE, parseStoreUrl, redactUrl, resolveDataDir, type StoreTarget } from './url.js';
