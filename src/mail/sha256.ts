// SHA-256 of a message or part, as hex. Node 20.12+ has a one-shot crypto.hash that skips
// building a Hash object; older Node 20 releases (package.json allows 20.10) get the Hash object.
import * as crypto from 'node:crypto';

type OneShotHash = (algorithm: string, data: Uint8Array, outputEncoding: 'hex') => string;
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;

export const sha256Hex: (data: Uint8Array) => string =
  typeof oneShot === 'function'
    ? (data) => oneShot('sha256', data, 'hex')
    : (data) => crypto.createHash('sha256').update(data).digest('hex');
