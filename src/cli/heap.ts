// Imported by main.ts before any other module loads: `kizuki scan` runs with bounded heaps
// (src/scan/memory.ts). The flags must be in place before loading grows the young generation, which would otherwise
// stay grown for the whole scan. They cost a one-message scan nothing measurable, so every scan gets them.
import { boundScanHeaps } from '../scan/memory.js';

if (process.argv[2] === 'scan' || process.argv[2] === 'scand') boundScanHeaps();
