// Workers started before the command line is parsed are only handed to a scan that asks for the same resources (or
// judges a single message); otherwise they are stopped, and nothing starts for other commands or for --help.
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { releaseWarmWorkers, takeWarmWorkers, warmAnalysisWorkers } from '../../src/scan/warm-start.js';

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
});
