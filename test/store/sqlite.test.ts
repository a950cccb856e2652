import { freshSqliteFile, storeSuite } from './suite.js';

storeSuite('SQLite', freshSqliteFile);
