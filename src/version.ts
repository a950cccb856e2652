/** Kizuki's version; test/version.test.ts holds it to package.json's. */
export const KIZUKI_VERSION = '0.1.0';
