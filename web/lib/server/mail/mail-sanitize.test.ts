import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mailDocument, sanitizeMailHtml } from './mail-sanitize.ts';

test('scripts, handlers, javascript: links, frames, forms and remote loads are removed; text stays', () => {
  const clean = sanitizeMailHtml(
    `<head><link rel="stylesheet" href="http://x.test/a.css"><style>p{background:url(http://x.test/bg)}</style></head>
     <script>alert(1)</script><p onclick="alert(2)" style="background:url(http://x.test/s)">Hello <b>there</b></p>
     <a href="javascript:alert(3)">js</a><a href="JaVaScRiPt&colon;alert(4)">js2</a><a href="https://ok.test/">ok</a>
     <img src="http://x.test/pixel.png" alt="p"><img src="//x.test/p2.png"><img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">
     <iframe src="http://x.test/f"></iframe><form action="http://x.test/f"><input name="q"></form><svg><script>alert(5)</script></svg>
     <meta http-equiv="refresh" content="0;url=http://x.test/">`,
  );
  assert.doesNotMatch(clean, /script|alert|onclick|javascript|x\.test\/(a|bg|s|pixel|p2|f)|<iframe|<form|<input|<style|<link|<meta|style=/i);
  assert.match(clean, /<p>Hello <b>there<\/b><\/p>/);
  assert.match(clean, /<a href="https:\/\/ok.test\/" target="_blank" rel="noopener noreferrer">ok<\/a>/);
  assert.match(clean, /<img src="data:image\/png;base64,iVBORw0KGgo=" alt="inline" \/>/);
});

test('the document forbids every remote load in its own CSP, before any content', () => {
  const doc = mailDocument('<p>x</p>');
  assert.match(doc, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:;/);
  assert.ok(doc.indexOf('Content-Security-Policy') < doc.indexOf('<p>x</p>'));
});
