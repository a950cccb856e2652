import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyse } from '../../src/mail/analyse.js';
import { isFreemailDomain } from '../../src/mail/freemail.js';
import { guessLanguage, isWordLetter } from '../../src/mail/language.js';
import { lf, testOptions } from './core-fixtures.js';

async function factsOf(lines: string[], orgDomains: string[] = []) {
  return (await analyse(lf(...lines), testOptions({ orgDomains }))).facts;
}

describe('message facts', () => {
  it('compares the sender domain with Reply-To and Return-Path by registrable domain', async () => {
    const facts = await factsOf([
      'From: Sales <sales@mail.partner.co.jp>',
      'Reply-To: sales.partner@gmail.com',
      'Return-Path: <bounce@partner.co.jp>',
      'To: buyer@customer.example',
      '',
      'hi',
    ]);
    assert.equal(facts.fromDomain, 'mail.partner.co.jp');
    assert.equal(facts.fromOrgDomain, 'partner.co.jp');
    assert.deepEqual(facts.replyToDomains, ['gmail.com']);
    assert.equal(facts.replyToDiffers, true);
    assert.equal(facts.returnPathDomain, 'partner.co.jp');
    assert.equal(facts.returnPathDiffers, false);
    assert.equal(facts.freemailSender, false);
  });

  it('knows free mail senders, including Japanese ones', async () => {
    assert.equal((await factsOf(['From: someone@gmail.com', '', 'x'])).freemailSender, true);
    assert.equal(isFreemailDomain('yahoo.co.jp'), true);
    assert.equal(isFreemailDomain('docomo.ne.jp'), true);
    assert.equal(isFreemailDomain('partner.example'), false);
  });

  it('sees the 2017 pattern: sent to self, everyone else hidden, many outside domains', async () => {
    const facts = await factsOf(
      [
        'From: Taro <taro@victim.example>',
        'To: taro@victim.example',
        'Bcc: a@customer1.example, b@customer2.example, c@customer3.example, d@victim.example',
        'Subject: shared you a file',
        '',
        'see the document',
      ],
      ['victim.example'],
    );
    assert.equal(facts.sentToSelf, true);
    assert.equal(facts.hiddenRecipients, true);
    assert.equal(facts.undisclosedRecipients, false);
    assert.equal(facts.recipientCount, 5);
    assert.equal(facts.externalRecipientDomains, 3);
  });

  it('counts outside domains against the sender when no organisation domains are set', async () => {
    const facts = await factsOf(['From: a@shop.example', 'To: b@shop.example, c@other.example, d@third.example', '', 'x']);
    assert.equal(facts.externalRecipientDomains, 2);
    assert.equal(facts.hiddenRecipients, false);
    assert.equal(facts.sentToSelf, false);
  });

  it('marks undisclosed recipients as hidden', async () => {
    const facts = await factsOf(['From: a@shop.example', 'To: undisclosed-recipients:;', '', 'x']);
    assert.equal(facts.undisclosedRecipients, true);
    assert.equal(facts.hiddenRecipients, true);
    assert.equal(facts.recipientCount, 0);
  });

  it('recognises delivery status notifications both ways', async () => {
    const dsn = await factsOf([
      'From: Mail Delivery System <MAILER-DAEMON@mx.example>',
      'Subject: whatever',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="R"',
      '',
      '--R',
      'Content-Type: text/plain',
      '',
      'failed',
      '--R',
      'Content-Type: message/delivery-status',
      '',
      'Final-Recipient: rfc822; x@y.example',
      'Status: 5.1.1',
      '--R--',
    ]);
    assert.equal(dsn.isBounce, true);
    const daemon = await factsOf(['From: MAILER-DAEMON@mx.example', 'Subject: Undelivered Mail Returned to Sender', '', 'x']);
    assert.equal(daemon.isBounce, true);
    const japanese = await factsOf(['From: postmaster@mx.example.jp', 'Subject: =?UTF-8?B?44Oh44O844Or6YWN5L+h44Ko44Op44O8?=', '', 'x']);
    assert.equal(japanese.isBounce, true, 'メール配信エラー');
    const person = await factsOf(['From: taro@partner.example', 'Subject: Undelivered parcel', '', 'x']);
    assert.equal(person.isBounce, false, 'a person writing about a parcel is not a bounce');
  });

  it('recognises auto-replies and mailing lists', async () => {
    assert.equal((await factsOf(['From: a@b.example', 'Auto-Submitted: auto-replied', 'Subject: hello', '', 'x'])).isAutoReply, true);
    assert.equal((await factsOf(['From: a@b.example', 'Subject: Automatic reply: meeting', '', 'x'])).isAutoReply, true);
    assert.equal((await factsOf(['From: a@b.example', 'Subject: 不在通知', '', 'x'])).isAutoReply, true);
    assert.equal((await factsOf(['From: a@b.example', 'Auto-Submitted: no', 'Subject: hello', '', 'x'])).isAutoReply, false);
    assert.equal((await factsOf(['From: a@b.example', 'List-Id: <dev.lists.example>', '', 'x'])).isMailingList, true);
    assert.equal((await factsOf(['From: a@b.example', 'Precedence: bulk', '', 'x'])).isMailingList, true);
    assert.equal((await factsOf(['From: a@b.example', '', 'x'])).isMailingList, false);
  });

  it('counts links, link domains, body length and HTML', async () => {
    const facts = await factsOf([
      'From: a@b.example',
      'Content-Type: text/html',
      '',
      '<p>Go to <a href="https://one.example/a">here</a> or <a href="https://sub.one.example/b">there</a> or <a href="https://two.example/">x</a></p>',
    ]);
    assert.equal(facts.linkCount, 3);
    assert.equal(facts.distinctLinkDomains, 2);
    assert.equal(facts.hasHtml, true);
    assert.ok(facts.textLength > 0);
  });
});

describe('language guess', () => {
  it('tells the corpus languages apart', () => {
    assert.equal(guessLanguage('ご確認のほど、よろしくお願いいたします。ファイルを共有しました。'), 'ja');
    assert.equal(guessLanguage('Please review the document that was shared with you and sign in to view it.'), 'en');
    assert.equal(guessLanguage('Prezado cliente, sua conta foi bloqueada. Para não perder o acesso, atualize os seus dados.'), 'pt');
    assert.equal(guessLanguage('Estimado cliente, su cuenta ha sido suspendida. Para reactivarla, haga clic en el enlace.'), 'es');
    assert.equal(guessLanguage('Sehr geehrter Kunde, Ihr Konto wurde gesperrt. Bitte bestätigen Sie die Daten und melden Sie sich an.'), 'de');
    assert.equal(guessLanguage('Cher client, votre compte est suspendu. Veuillez confirmer vos informations dans les plus brefs délais.'), 'fr');
    assert.equal(guessLanguage('Gentile cliente, il suo conto è stato sospeso. Per riattivarlo, confermi i dati della carta.'), 'it');
    assert.equal(guessLanguage('Beste klant, uw rekening is geblokkeerd. Om dit op te lossen moet u de gegevens bevestigen.'), 'nl');
    assert.equal(guessLanguage('这是一封测试邮件，请查收附件。'), 'other');
    assert.equal(guessLanguage(''), 'unknown');
    assert.equal(guessLanguage('12345 !!!'), 'unknown');
  });

  it('splits words exactly where the class [a-zà-öø-ÿ] ends', () => {
    const wordClass = /[a-zà-öø-ÿ]/;
    for (let code = 0; code <= 0xffff; code++) {
      assert.equal(isWordLetter(code), wordClass.test(String.fromCharCode(code)), `U+${code.toString(16)}`);
    }
    // ß, × and ÷ end a word: 'theßand' is two words of English, not one unknown word
    assert.equal(guessLanguage('theßand×you÷your'), 'en');
    assert.equal(guessLanguage('xtheßandy'), 'unknown');
  });
});
