import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hasHeader, headerEnd, toCrlf } from './message-text.ts';

describe('message text', () => {
  test('toCrlf turns bare LF into CRLF and leaves CRLF alone', () => {
    assert.equal(toCrlf(Buffer.from('a\nb\r\nc\n')).toString(), 'a\r\nb\r\nc\r\n');
    const same = Buffer.from('a\r\nb\r\n');
    assert.equal(toCrlf(same), same);
    assert.equal(toCrlf(Buffer.from('\n\n')).toString(), '\r\n\r\n');
  });

  test('headerEnd and hasHeader look only at the header section', () => {
    const m = Buffer.from('Subject: x\r\nMessage-ID: <a@b>\r\n\r\nDate: not a header\r\n');
    assert.equal(headerEnd(m), m.indexOf('Date'));
    assert.equal(hasHeader(m, 'message-id'), true);
    assert.equal(hasHeader(m, 'Date'), false);
  });
});
