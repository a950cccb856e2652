// Kizuki's own copies of raw messages: content-addressed files under the store's raw folder.
import { createHash } from 'node:crypto';
import { mkdir, open, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface KeptRawMessage {
  path: string;
  sha256: string;
}

/**
 * Writes `bytes` to `<rawDir>/<2 hex>/<sha256>.eml` (once; the same bytes again reuse the file) and returns the
 * path and hash to record in a JudgedMessage. The file is complete and synced before this resolves.
 */
export async function keepRawMessage(rawDir: string, bytes: Uint8Array): Promise<KeptRawMessage> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const folder = join(rawDir, sha256.slice(0, 2));
  const path = join(folder, `${sha256}.eml`);
  try {
    if ((await stat(path)).size === bytes.byteLength) return { path, sha256 };
  } catch {
    // not kept yet
  }
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  return { path, sha256 };
}
