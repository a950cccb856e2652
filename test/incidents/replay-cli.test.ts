import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../support/cli.js';

test('kizuki replay --json prints one summary object; without --json, the timeline and the 2017 comparison', async () => {
  const json = await runCli(['replay', 'scenarios/2017-shared-you-a-file.yaml', '--json']);
  assert.equal(json.code, 0, json.stderr);
  const summary = JSON.parse(json.stdout) as Record<string, unknown>;
  assert.equal(typeof summary.time_to_detect_seconds, 'number');
  assert.equal(summary.incidents_opened, 1);
  assert.ok(Array.isArray(summary.incidents) && Array.isArray(summary.timeline) && (summary.timeline as unknown[]).length > 10);
  const text = await runCli(['replay', 'scenarios/2017-shared-you-a-file.yaml', '--lang', 'ja']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /incident\.opened/);
  assert.match(text.stdout, /検知までの時間: .*2017 年の実際: 8d 11h 0m/);
  const missing = await runCli(['replay', 'scenarios/no-such-file.yaml']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /no-such-file\.yaml: cannot read the scenario/);
});
