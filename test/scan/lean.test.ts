import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadDetector } from '../../src/detect/index.js';
import { judgedRowFrom } from '../../src/scan/persist.js';
import { recordFromAnalysis } from '../../src/scan/record.js';
import { scanConfig, taskSettings } from '../../src/scan/settings.js';
import { type AnalysisOutcome, runAnalysisTask } from '../../src/scan/worker.js';
import { repoRoot } from '../support/cli.js';

const samplesDir = join(repoRoot, 'samples/seed-2017');

describe('lean results from the analysis workers', () => {
  it('carry everything the verdict, the printed record and the stored row are made of', async () => {
    const config = scanConfig({}, repoRoot);
    const full = taskSettings(config, join(samplesDir, 'dns.json'));
    const lean = taskSettings(config, join(samplesDir, 'dns.json'), true);
    const detector = await loadDetector(full.detection!);
    const files = readdirSync(samplesDir).filter((f) => f.endsWith('.eml'));
    assert.ok(files.length >= 9);
    const now = new Date('2026-12-01T00:00:00Z');
    for (const file of files) {
      const raw = readFileSync(join(samplesDir, file));
      const outcomes = [await runAnalysisTask({ raw, settings: full, settingsId: 9001 }), await runAnalysisTask({ raw, settings: lean, settingsId: 9002 })];
      const [whole, slim] = outcomes.map((o: AnalysisOutcome) => {
        assert.ok('analysis' in o && o.prepared, `${file}: analysed and prepared`);
        const verdict = detector.judgePrepared(o.prepared, o.analysis);
        const record = recordFromAnalysis({ path: file }, o.analysis, verdict, o.bounce);
        return { o, verdict, record, row: judgedRowFrom({ record, analysis: o.analysis, verdict }, now) };
      });
      assert.deepEqual(slim!.verdict, whole!.verdict, file);
      assert.deepEqual(slim!.record, whole!.record, file);
      assert.deepEqual(slim!.row, whole!.row, file);
      // and it is lean: no bodies, no hops, only the headers the store shows
      const slimAnalysis = (slim!.o as { analysis: { text: string; html: string; received: unknown[]; headers: unknown[] } }).analysis;
      const wholeAnalysis = (whole!.o as { analysis: { text: string; headers: unknown[] } }).analysis;
      assert.equal(slimAnalysis.text, '');
      assert.equal(slimAnalysis.html, '');
      assert.deepEqual(slimAnalysis.received, []);
      assert.ok(slimAnalysis.headers.length < wholeAnalysis.headers.length, `${file}: fewer headers`);
      assert.ok(wholeAnalysis.text.length > 0, `${file}: the full result has its body`);
    }
  });
});
