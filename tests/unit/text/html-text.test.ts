import { describe, expect, it } from 'vitest';
import { decodeEntities, markupToText, MAX_TAGS } from '../../../src/text/html-text.js';
import { NAMED_ENTITIES } from '../../../src/text/html-entities.js';

describe('decodeEntities', () => {
  it.each([
    ['&amp; &lt; &gt; &quot; &apos; &#39; &#x27; &#X27;', '& < > " \' \' \' \''],
    ['&nbsp;&copy;&eacute;&Omega;&omega;&sigmaf;&hellip;&mdash;&euro;', '\u00a0©éΩως…—€'],
    ['&#128512; &#x1F600;', '😀 😀'],
    ['&#150; &#133; &#151; &#146;', '– … — ’'],
    ['&#129; &#1; &#173;', '  '],
    ['&#0; &#x110000; &#xDFFF;', '\uFFFD \uFFFD \uFFFD'],
    ['&amp;amp;amp;', '&'],
    ['&am&#112;;', '&'],
    ['&AMP; &Amp; &amp', '&AMP; &Amp; &amp'],
    ['&#; &#x; &#12a; &toolongname;', '&#; &#x; &#12a; &toolongname;'],
    ['no references here', 'no references here'],
  ])('decodeEntities(%j) is %j', (input, expected) => {
    expect(decodeEntities(input)).toBe(expected);
  });

  it('decodeEntities knows all 253 HTML 4 names plus apos', () => {
    expect(NAMED_ENTITIES.size).toBe(253);
    expect(NAMED_ENTITIES.get('yuml')).toBe('ÿ');
    expect(NAMED_ENTITIES.get('Yuml')).toBe('Ÿ');
    expect(NAMED_ENTITIES.get('diams')).toBe('♦');
  });
});

describe('markupToText', () => {
  it.each([
    ['br and block elements become spaces', 'a<br />b<p class="x">hi</p><td>c</td>', 'a  b hi  c '],
    ['inline elements join their text', 'word<i>word</i> <b>bold</b>', 'wordword bold'],
    ['comments, doctype and processing instructions go', '<!-- note --> <!DOCTYPE html><?xml v?>x', ' x'],
    ['CDATA goes', '<![CDATA[secret]]>t', 't'],
    ['script source goes', 'ok <script>var a = "</div>";</script> fine', 'ok  fine'],
    ['an unclosed script runs to the end', 'great <script>alert(1)', 'great '],
    ['style, noscript and template content go', '<style>p{}</style>a<noscript><p>x</p></noscript>b<template><p>y</p></template>c', 'abc'],
    ['upper-case tags are the same elements', '<SCRIPT>x</SCRIPT>y', 'y'],
    ['entity-escaped script is parsed as the script it spells', '&lt;script&gt;alert(1)&lt;/script&gt;', ''],
    ['markup exposed by removing markup is removed too', '<<b>b>', ''],
    ['a reference exposed by removing markup is decoded', '&am<b></b>p;', '&'],
    ['a script tag split by a tag is not a script', '<scr<script>ipt>alert(1)</script>', 'ipt>alert(1)'],
    ['a heart and comparisons are text', 'I <3 it, 2 < 3 > 1', 'I <3 it, 2 < 3 > 1'],
    ['an unterminated tag at the end goes', 'x <a unterminated', 'x '],
    ['text without markup is returned as is', 'plain & simple', 'plain & simple'],
  ])('markupToText: %s', (_name, input, expected) => {
    expect(markupToText(input)).toBe(expected);
  });

  it('markupToText gives up on nesting deeper than its pass limit without leaving markup', () => {
    // Each level only appears once the level inside it is removed: &amp;lt; needs the b-tags gone first.
    const nested = '<<<<<b></b>b></b>b></b>b></b>script>x';
    const out = markupToText(nested);
    expect(out).not.toMatch(/[<&]/);
    expect(markupToText(out)).toBe(out);
  });
});

describe('markupToText on hostile markup', () => {
  it('markupToText treats text with more tags than MAX_TAGS as markup without text', () => {
    expect(markupToText(`${'<b>'.repeat(MAX_TAGS + 1)}words`)).toBe('');
    expect(markupToText(`${'<b>'.repeat(MAX_TAGS)}words`)).toBe('words');
  });
});
