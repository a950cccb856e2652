import { freshTestPostgresDatabase } from '../support/postgres.js';
import { storeSuite } from './suite.js';

storeSuite('PostgreSQL', () => freshTestPostgresDatabase('kizuki_suite'));
