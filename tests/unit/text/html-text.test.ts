import { describe, expect, it } from 'vitest';
import { decodeEntities, stripTags } from '../../../src/text/html-text.js';
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

describe('stripTags', () => {
  it.each([
    ['a<br />b', 'a b'],
    ['<p class="x">hi</p>', ' hi '],
    ['<!-- note --> <!DOCTYPE html><?xml v?>x', '    x'],
    ['<?</i>>', ' '],
    ['<<b>b>', '< b>'],
    ['I <3 it, 2 < 3 > 1', 'I <3 it, 2 < 3 > 1'],
    ['<a unterminated', '<a unterminated'],
  ])('stripTags(%j) is %j', (input, expected) => {
    expect(stripTags(input)).toBe(expected);
  });
});
