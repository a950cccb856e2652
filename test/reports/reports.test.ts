// The letters and reports of the 2017 replay, through the CLI as a user runs them, and in-process for HTML and PDF.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import type { IncidentRecord } from '../../src/incidents/record.js';
import { keepReplay } from '../../src/incidents/record-replay.js';
import { renderReport, ReportError } from '../../src/reports/render.js';
import { formatSeconds, formatTime, type ReportKind, type ReportLang } from '../../src/reports/view.js';
import { openStore, type Store } from '../../src/store/index.js';
import { containment2017, replayed2017, SCENARIO } from '../incidents/record-fixtures.js';
import { runCli } from '../support/cli.js';
import { scratchDir } from '../store/scratch.js';

const TZ = 'Asia/Tokyo';

const SECTIONS: Record<ReportKind, Record<ReportLang, string[]>> = {
  notice: {
    en: ['Our apology and a summary', 'How it happened', 'What the mail is and how the password was taken', 'What information was or may have been exposed', 'What we have done', 'What we ask of you', 'What we are doing so that it does not happen again', 'Contact'],
    ja: ['お詫びと概要', '発生の経緯', 'メールの内容とパスワードが盗まれた仕組み', '漏えいした、または漏えいした可能性のある情報', '弊社の対応', 'お客様へのお願い', '再発防止策', 'お問い合わせ先'],
  },
  internal: {
    en: ['Summary', 'Detection and containment', 'Timeline', 'Root cause', 'Scope', 'What worked', 'What failed', 'Lessons', 'Follow-ups', 'Indicators', 'Evidence'],
    ja: ['概要', '検知と封じ込め', '時系列', '根本原因', '影響範囲', 'うまくいったこと', 'うまくいかなかったこと', '教訓', '今後の対応', '侵害指標(IOC)', '証拠'],
  },
  regulator: {
    en: ['1. Overview', '2. Personal data items', '3. Number of people concerned', '4. Cause', '5. Secondary harm', '6. Response to the people concerned', '7. Publication', '8. Measures to prevent recurrence'],
    ja: ['1. 概要', '2. 漏えい等が発生し、又は発生したおそれがある個人データの項目', '3. 漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数', '4. 原因', '5. 二次被害', '6. 本人への対応の実施状況', '7. 公表の実施状況', '8. 再発防止のための措置'],
  },
};

function headings(md: string): string[] {
  return [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1] ?? '');
}

/** The times every report must carry, written as the record says. */
function expectedTimes(record: IncidentRecord, lang: ReportLang) {
  const first = record.timeline.find((e) => e.kind === 'event.first-malicious-send');
  const last = record.timeline.find((e) => e.kind === 'event.last-malicious-send');
  assert.ok(first && last);
  return {
    detected: formatTime(record.times.detectedAt, lang, TZ),
    firstSend: formatTime(first.at, lang, TZ),
    lastSend: formatTime(last.at, lang, TZ),
    lure: formatTime(record.lure?.receivedAt, lang, TZ),
    firstMalicious: formatTime(record.times.firstMaliciousAt, lang, TZ),
    ttd: formatSeconds(record.timeToDetectSeconds, lang),
  };
}

describe('kizuki replay --store, incident and report on the 2017 replay', () => {
  const dir = scratchDir('kizuki-report-cli-');
  const db = join(dir, 'kizuki.db');
  let record: IncidentRecord;

  before(async () => {
    const replay = await runCli(['replay', 'scenarios/2017-shared-you-a-file.yaml', '--store', db, '--json']);
    assert.equal(replay.code, 0, replay.stderr);
    assert.match(replay.stderr, /kept 1 incident/);
    const list = await runCli(['incident', 'list', '--store', db, '--json']);
    assert.equal(list.code, 0, list.stderr);
    const rows = JSON.parse(list.stdout) as Array<{ incidentId: string; phase: string }>;
    assert.equal(rows.length, 1);
    const show = await runCli(['incident', 'show', rows[0]?.incidentId ?? '', '--store', db, '--json']);
    assert.equal(show.code, 0, show.stderr);
    record = JSON.parse(show.stdout) as IncidentRecord;
    assert.equal(record.incidentId, rows[0]?.incidentId);
  });

  for (const kind of ['notice', 'internal', 'regulator'] as const) {
    for (const lang of ['en', 'ja'] as const) {
      it(`${kind} in ${lang}: every section, with the record's times and figures`, async () => {
        const out = join(dir, `${kind}.${lang}.md`);
        const run = await runCli(['report', record.incidentId.slice(0, 12), '--kind', kind, '--lang', lang, '--format', 'md', '-o', out, '--store', db, '--org', 'Tsukishiro Video Systems', '--contact', 'support@tsukishiro-vs.co.jp']);
        assert.equal(run.code, 0, run.stderr);
        const md = readFileSync(out, 'utf8');
        const found = headings(md);
        for (const section of SECTIONS[kind][lang]) assert.ok(found.some((h) => h.startsWith(section)), `section "${section}" in ${kind}.${lang}: ${found.join(' | ')}`);
        const t = expectedTimes(record, lang);
        assert.ok(md.includes(t.firstSend) && md.includes(t.lastSend), 'the period of the sending');
        assert.ok(md.includes(String(record.outsideRecipients.length)), 'the number of outside recipients');
        assert.ok(!/\(not recorded\)|\(未記録\)/.test(md.split('\n').filter((l) => !/contained|closed|封じ込め|終結/.test(l)).join('\n')), 'no missing time apart from containment and closing');
        if (kind !== 'regulator') assert.ok(md.includes(t.detected), 'detection time');
        if (kind === 'notice') {
          assert.ok(md.includes(t.lure), 'when the lure arrived');
          assert.ok(md.includes(t.ttd), 'time to detect');
          assert.ok(md.includes('shared you a file'));
          assert.ok(md.includes('Tsukishiro Video Systems') && md.includes('support@tsukishiro-vs.co.jp'), 'organisation and contact point');
          if (lang === 'en') {
            assert.match(md, /delete it without opening its PDF/);
            assert.match(md, /change that password at once, and also everywhere else you used the same one/);
            assert.match(md, /sorry/);
          } else {
            assert.match(md, /PDF を開かずに削除してください/);
            assert.match(md, /同じパスワードを使っている他のサービスでも変更してください/);
            assert.match(md, /お詫び申し上げます/);
          }
        }
        if (kind === 'internal') {
          assert.ok(md.includes(t.firstMalicious) && md.includes(t.ttd), 'first malicious activity and time to detect');
          for (const i of record.indicators) assert.ok(md.includes(i.value), `indicator ${i.value}`);
          for (const e of record.evidence) assert.ok(md.includes(e.sha256), `evidence ${e.name}`);
        }
        if (kind === 'regulator') assert.match(md, lang === 'en' ? /^# DRAFT/m : /^# 【下書き】/m);
      });
    }
  }

  it('a note marked for the letter appears in the notice; close needs a resolution; bad input exits 2 with a reason', async () => {
    const note = await runCli(['incident', 'note', record.incidentId, 'Emergency notice to all staff', '--ja', '社内に緊急通達しました', '--at', '2017-07-12T00:40:00Z', '--letter', '--author', 'sumiya', '--store', db]);
    assert.equal(note.code, 0, note.stderr);
    const md = await runCli(['report', record.incidentId, '--kind', 'notice', '--lang', 'ja', '--store', db]);
    assert.equal(md.code, 0, md.stderr);
    assert.ok(md.stdout.includes(`**${formatTime('2017-07-12T00:40:00Z', 'ja', TZ)}** 社内に緊急通達しました`));
    const timeline = await runCli(['incident', 'timeline', record.incidentId, '--letter', '--json', '--store', db]);
    assert.ok((JSON.parse(timeline.stdout) as Array<{ source: string }>).some((e) => e.source === 'manual'));
    const task = await runCli(['incident', 'task', 'add', record.incidentId, 'Re-image both PCs', '--owner', 'takasaki', '--json', '--store', db]);
    assert.equal(task.code, 0, task.stderr);
    const taskId = (JSON.parse(task.stdout) as { id: string }).id;
    assert.equal((await runCli(['incident', 'task', 'set', taskId, '--status', 'done', '--store', db])).code, 0);
    const tasks = await runCli(['incident', 'task', 'list', record.incidentId, '--json', '--store', db]);
    assert.ok((JSON.parse(tasks.stdout) as Array<{ id: string; status: string }>).some((t) => t.id === taskId && t.status === 'done'));

    const noResolution = await runCli(['incident', 'close', record.incidentId, '--store', db]);
    assert.notEqual(noResolution.code, 0);
    const closed = await runCli(['incident', 'close', record.incidentId, '--resolution', 'Accounts re-created; PCs re-imaged.', '--at', '2017-07-20T00:00:00Z', '--store', db, '--json']);
    assert.equal(closed.code, 0, closed.stderr);
    assert.equal((JSON.parse(closed.stdout) as IncidentRecord).phase, 'closed');
    const closedList = await runCli(['incident', 'list', '--phase', 'closed', '--store', db, '--json']);
    assert.equal((JSON.parse(closedList.stdout) as unknown[]).length, 1);

    const bad = await runCli(['report', record.incidentId, '--kind', 'poem', '--store', db]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--kind must be one of notice, internal, regulator/);
    const missing = await runCli(['incident', 'show', 'inc_nothing', '--store', db]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no incident record inc_nothing/);
  });
});

describe('HTML and PDF of every report, and the action log in the letters', () => {
  let store: Store;
  let record: IncidentRecord;
  before(async () => {
    store = await openStore(`sqlite:${scratchDir('kizuki-report-')}/k.db`);
    const [kept] = await keepReplay(store, SCENARIO, await replayed2017(), { actions: async (_s, id) => containment2017(id) });
    assert.ok(kept);
    record = kept;
  });
  after(async () => store.close());

  it('what was done and what failed come from the action log, with their times', async () => {
    for (const lang of ['en', 'ja'] as const) {
      const notice = (await renderReport(record, { kind: 'notice', lang, format: 'md' })) as string;
      const internal = (await renderReport(record, { kind: 'internal', lang, format: 'md' })) as string;
      const done = formatTime('2017-07-12T00:34:11.000Z', lang, TZ);
      const failed = formatTime('2017-07-12T00:53:02.000Z', lang, TZ);
      assert.ok(notice.includes(done), 'the suspension in the notice');
      assert.ok(notice.includes(formatTime(record.times.containedAt, lang, TZ)), 'containment time in the notice');
      const failedSection = internal.split(/^## /m).find((s) => s.startsWith(lang === 'en' ? 'What failed' : 'うまくいかなかったこと')) ?? '';
      assert.ok(failedSection.includes(failed) && failedSection.includes(lang === 'en' ? 'Tried to reset the password of hori' : 'パスワードの再設定を試みました'), failedSection);
      assert.ok(!notice.includes(lang === 'en' ? 'Would sign hori' : 'サインアウトする予定'), 'a dry run is not reported as done');
    }
  });

  it('HTML is a whole page whose text is escaped; PDF is a real A4 document with the Japanese font embedded', async () => {
    const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const dir = scratchDir('kizuki-report-out-');
    for (const kind of ['notice', 'internal', 'regulator'] as const) {
      for (const lang of ['en', 'ja'] as const) {
        const html = (await renderReport({ ...record, title: { en: '<script>x</script>', ja: '<script>x</script>' } }, { kind, lang, format: 'html' })) as string;
        assert.match(html, new RegExp(`^<!doctype html>\\s*<html lang="${lang}">`));
        assert.ok(!html.includes('<script>x</script>') && (kind !== 'internal' || html.includes('&lt;script&gt;')), 'record text is escaped');
        assert.match(html, /<h2>/);

        const pdf = (await renderReport(record, { kind, lang, format: 'pdf', createdAt: record.updatedAt })) as Uint8Array;
        writeFileSync(join(dir, `${kind}.${lang}.pdf`), pdf);
        assert.equal(Buffer.from(pdf.subarray(0, 5)).toString('latin1'), '%PDF-');
        const raw = Buffer.from(pdf).toString('latin1');
        assert.match(raw, /\/FontFile2/, 'the font program is embedded');
        assert.match(raw, /\/CIDFontType2/, 'as a CID font that holds Japanese');
        const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, useSystemFonts: false }).promise;
        try {
          const page = await doc.getPage(1);
          const [, , w, h] = page.view;
          assert.ok(Math.abs((w ?? 0) - 595.28) < 1 && Math.abs((h ?? 0) - 841.89) < 1, 'A4');
          let text = '';
          for (let p = 1; p <= doc.numPages; p++) {
            const content = await (await doc.getPage(p)).getTextContent();
            text += content.items.map((i) => ('str' in i ? i.str : '')).join('');
          }
          const squeeze = (s: string) => s.replace(/\s+/g, '');
          const heading = SECTIONS[kind][lang][SECTIONS[kind][lang].length - 1] ?? '';
          assert.ok(squeeze(text).includes(squeeze(heading)), `the last section "${heading}" is in the ${kind}.${lang} PDF`);
          assert.ok(squeeze(text).includes(squeeze(expectedTimes(record, lang).firstSend)), 'times are in the PDF');
        } finally {
          await doc.destroy();
        }
      }
    }
  });

  it('pdftoppm renders every page of the Japanese notice with ink on it (it opens and prints)', async (t) => {
    const pdftoppm = spawnSync('pdftoppm', ['-v'], { encoding: 'utf8' });
    if (pdftoppm.error) {
      if (process.env.CI) throw new Error('pdftoppm not found: apt-get install poppler-utils');
      t.skip('pdftoppm not found (apt-get install poppler-utils)');
      return;
    }
    const dir = scratchDir('kizuki-report-png-');
    const pdf = (await renderReport(record, { kind: 'notice', lang: 'ja', format: 'pdf' })) as Uint8Array;
    writeFileSync(join(dir, 'notice.pdf'), pdf);
    const run = spawnSync('pdftoppm', ['-png', '-r', '40', join(dir, 'notice.pdf'), join(dir, 'page')], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const pages = readdirSync(dir).filter((f) => f.startsWith('page') && f.endsWith('.png'));
    assert.ok(pages.length >= 1);
    for (const file of pages) {
      const png = PNG.sync.read(readFileSync(join(dir, file)));
      let dark = 0;
      for (let i = 0; i < png.data.length; i += 4) if ((png.data[i] ?? 255) < 128) dark++;
      const share = dark / (png.width * png.height);
      assert.ok(share > 0.01 && share < 0.5, `${file}: ${(share * 100).toFixed(1)} % dark pixels`);
      assert.ok(png.width < png.height, 'portrait');
    }
  });

  it("a user's own template wins; a template naming a field the record lacks is refused, not left blank", async () => {
    const dir = scratchDir('kizuki-templates-');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'notice.en.md.hbs'), '# Our own notice\n\n{{recipients.count}} recipients; detected {{times.detected}}.\n');
    const md = (await renderReport(record, { kind: 'notice', lang: 'en', format: 'md', templateDir: dir })) as string;
    assert.equal(md, `# Our own notice\n\n${record.outsideRecipients.length} recipients; detected ${formatTime(record.times.detectedAt, 'en', TZ)}.\n`);
    writeFileSync(join(dir, 'notice.ja.md.hbs'), '# x\n\n{{no.such.field}}\n');
    await assert.rejects(renderReport(record, { kind: 'notice', lang: 'ja', format: 'md', templateDir: dir }), ReportError);
  });

  it('a lure nobody sent on: the notice says no mail went out in our name, and a "|" cannot break the indicator table', async () => {
    const quiet: IncidentRecord = { ...record, outsideRecipients: [], indicators: [...record.indicators, { type: 'subject', value: 'a | b', firstSeen: record.times.detectedAt, lastSeen: record.times.detectedAt, tlp: 'amber' }] };
    const en = (await renderReport(quiet, { kind: 'notice', lang: 'en', format: 'md' })) as string;
    assert.match(en, /Our record holds no copy of it sent from our accounts to anyone outside the company/);
    assert.ok(en.includes(formatTime(record.lure?.receivedAt, 'en', TZ)));
    const ja = (await renderReport(quiet, { kind: 'notice', lang: 'ja', format: 'md' })) as string;
    assert.match(ja, /弊社アカウントから社外へ送信された形跡はありません/);
    const html = (await renderReport(quiet, { kind: 'internal', lang: 'en', format: 'html' })) as string;
    assert.match(html, /<td>a \| b<\/td>/);
  });

  it('a missing PDF font is named with the package that provides it', async () => {
    await assert.rejects(renderReport(record, { kind: 'notice', lang: 'ja', format: 'pdf', fontPath: '/nonexistent/font.ttf' }), /no Japanese font for the PDF.*fonts-ipafont-gothic/);
  });
});
