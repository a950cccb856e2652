// Imported by main.ts before any other module loads: `kizuki scan` runs with bounded heaps
// (src/scan/memory.ts). The flags must be in place before loading grows the young generation, which would otherwise
// stay grown for the whole scan. They cost a one-message scan nothing measurable, so every scan gets them.
import { boundScanHeaps, DAEMON_HEAP_FLAGS } from '../scan/memory.js';

if (process.argv[2] === 'scan') boundScanHeaps();
if (process.argv[2] === 'scand') boundScanHeaps(DAEMON_HEAP_FLAGS);
