import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Environment } from '@marcbachmann/cel-js';
import { BODY_TEXT_FIELDS, expressionReads } from '../../src/detect/rule-fields.js';

const env = new Environment({ unlistedVariablesAreDyn: true });
const reads = (expression: string) => expressionReads(env.parse(expression).ast, BODY_TEXT_FIELDS);

describe('which rules read the whole body text', () => {
  it('sees the body text however a rule reaches it', () => {
    for (const expression of [
      'msg.text.contains("invoice")',
      'msg.textFolded.matches("pay now")',
      'has(msg.text)',
      'msg["text"] != ""',
      'msg["textFolded"].size() > 3',
      'msg[["text"][0]] != ""',
      '[msg][0].subject == ""',
      'msg == msg',
      'links.exists(l, l.text == "click")',
      'msg.subject.contains("x") || msg.text.size() > 10',
    ]) {
      assert.equal(reads(expression), true, expression);
    }
  });

  it('does not count other fields, string values or other variables', () => {
    for (const expression of [
      'msg.subject.contains("text")',
      'attachments.exists(a, a.type != "text" && a.type != "unknown")',
      'msg["subject"] == "textFolded"',
      'links.exists(l, l.textMismatch && !l.inAttachment) && !msg.isMailingList',
      'model.phishing > 0.5 && msg.textLength > 100',
      'links.filter(l, l.textMismatch).map(l, l.host).size() > 0',
    ]) {
      assert.equal(reads(expression), false, expression);
    }
  });
});
