// Workers started before the command line is parsed are only handed to a scan that asks for the same resources (or
// judges a single message); otherwise they are stopped, and nothing starts for other commands or for --help.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanConfig } from '../../src/scan/scan-config.js';
import { taskSettings } from '../../src/scan/settings.js';
import { looksLikeOneMessage, newPiscina, releaseWarmWorkers, takeWarmWorkers, warmAnalysisWorkers } from '../../src/scan/warm-start.js';
import { repoRoot } from '../support/cli.js';

const threads = availableParallelism();

describe('scan: warm start', () => {
  it('starts nothing for other commands or for help', async () => {
    for (const args of [['serve'], ['scan', '--help'], ['scan', '-h'], []]) {
      warmAnalysisWorkers(args);
      assert.equal(takeWarmWorkers({ threads, workerMemoryMb: 1024, single: false }), undefined, args.join(' '));
    }
  });

  it('hands the workers to a scan with the same memory limit and thread count, once', async () => {
    warmAnalysisWorkers(['scan', 'a.eml', 'b.eml']);
    const taken = takeWarmWorkers({ threads, workerMemoryMb: 1024, single: false });
    try {
      assert.ok(taken, 'taken');
      assert.equal(taken.options.maxThreads, threads);
      assert.equal(takeWarmWorkers({ threads, workerMemoryMb: 1024, single: false }), undefined, 'only once');
    } finally {
      await taken?.destroy();
    }
  });

  it('a single message takes them whatever the thread count; another memory limit or thread count does not', async () => {
    warmAnalysisWorkers(['scan', '-']);
    const single = takeWarmWorkers({ threads: 1, workerMemoryMb: 1024, single: true });
    assert.ok(single);
    await single.destroy();

    warmAnalysisWorkers(['scan', 'maildir/']);
    assert.equal(takeWarmWorkers({ threads, workerMemoryMb: 256, single: false }), undefined, 'another memory limit');
    warmAnalysisWorkers(['scan', 'maildir/']);
    assert.equal(takeWarmWorkers({ threads: threads + 1, workerMemoryMb: 1024, single: false }), undefined, 'another thread count');
    warmAnalysisWorkers(['scan', 'maildir/']);
    await releaseWarmWorkers();
    assert.equal(takeWarmWorkers({ threads, workerMemoryMb: 1024, single: false }), undefined, 'released');
  });

  it('tells a one-message scan from a batch by its raw arguments', () => {
    for (const args of [['scan', '-'], ['scan', '--json', '--no-store', '-'], ['scan', 'one.eml'], ['scan', '--store', 'k.db', 'Mail.EML']]) {
      assert.equal(looksLikeOneMessage(args), true, args.join(' '));
    }
    for (const args of [['scan', 'maildir/'], ['scan', 'a.eml', 'b.eml'], ['scan', '-', 'a.eml'], ['scan', 'box.mbox'], ['scan']]) {
      assert.equal(looksLikeOneMessage(args), false, args.join(' '));
    }
  });

  it('workers started without the reference data still prepare a judgement when a task asks for one', async () => {
    const pool = newPiscina({ minThreads: 1, maxThreads: 1, workerMemoryMb: 1024, preloadDetection: false });
    try {
      const raw = new Uint8Array(readFileSync(join(repoRoot, 'samples/seed-2017/01-inbound-lure.eml')));
      const settings = taskSettings(scanConfig({}, repoRoot), undefined);
      const prepared = await pool.run({ raw, settings, settingsId: 1 });
      assert.ok('prepared' in prepared && prepared.prepared && 'content' in prepared.prepared, 'prepared with detection settings');
      const { detection: _detection, ...analysisOnly } = settings;
      const analysed = await pool.run({ raw, settings: analysisOnly, settingsId: 2 });
      assert.ok('analysis' in analysed && analysed.analysis.links.length > 0, 'analysed');
      assert.equal('prepared' in analysed, false, 'nothing prepared without detection settings');
    } finally {
      await pool.destroy();
    }
  });
});
