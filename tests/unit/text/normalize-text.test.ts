import { describe, expect, it } from 'vitest';
import { normalizeText, truncateAtWord } from '../../../src/text/normalize-text.js';

describe('normalizeText', () => {
  it.each([
    ['cp1252 en dash stored as U+0096', 'them \u0096 a true', 'them – a true'],
    ['cp1252 ellipsis stored as U+0085', 'is\u0085was', 'is…was'],
    ['cp1252 em dash stored as U+0097', 'problems\u0097the', 'problems—the'],
    ['cp1252 right quote stored as U+0092', 'it\u0092s', 'it’s'],
    ['cp1252 euro and trademark', '\u0080 5 brand\u0099', '€ 5 brand™'],
    ['unassigned cp1252 C1 removed', 'a\u0081b\u009Dc', 'abc'],
    ['C0 controls removed, tab and newline become spaces', 'a\u0000b\u0007c\td\ne', 'abc d e'],
    ['zero-width space, BOM, soft hyphen and bidi override removed', '\uFEFFex\u00ADam\u200Bple\u202E!', 'example!'],
    ['NFD composed to NFC', 'cafe\u0301', 'café'],
    ['br tags become spaces', 'great<br /><br />film', 'great film'],
    ['tags with attributes removed', 'a <a href="x.html">link</a> here', 'a link here'],
    ['a heart is not a tag', 'I <3 it', 'I <3 it'],
    ['named, decimal and hex references', 'Tom &amp; Jerry &#39;s &#x27;q&#x27; &quot;x&quot; &eacute;', 'Tom & Jerry \'s \'q\' "x" é'],
    ['numeric C1 reference follows cp1252 (HTML5)', 'A&#150;B', 'A–B'],
    ['double-encoded references decode fully', '&amp;lt;b&amp;gt;bold', 'bold'],
    ['reference completed by another reference', '&amp&#59;', '&'],
    ['nested numeric ampersands', '&#38;#38;lt;', '<'],
    ['unknown names stay', '&bogus; &amp', '&bogus; &amp'],
    ['combining mark from a reference composes', 'e&#769;', 'é'],
    ['null and surrogate references become U+FFFD', '&#0;&#xD800;', '\uFFFD\uFFFD'],
    ['whitespace collapsed and trimmed', '  a \u00a0\u2003 b\r\n\r\nc  ', 'a b c'],
    ['lone surrogates become U+FFFD', 'a\uD800b\uDC00', 'a\uFFFDb\uFFFD'],
    ['valid surrogate pairs stay', 'nice 🎬 film', 'nice 🎬 film'],
  ])('normalizeText handles %s', (_name, input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });
});

describe('truncateAtWord', () => {
  it('truncateAtWord cuts at the last space within the limit', () => {
    expect(truncateAtWord('alpha beta gamma', 12)).toBe('alpha beta');
    expect(truncateAtWord('alpha beta gamma', 16)).toBe('alpha beta gamma');
  });

  it('truncateAtWord drops the partial word of a spaceless text and never splits a surrogate pair', () => {
    expect(truncateAtWord('abc,defghij', 8)).toBe('abc,');
    expect(truncateAtWord('!!!🎬🎬', 4)).toBe('!!!');
  });
});
