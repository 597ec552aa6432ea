import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanText } from '../../../src/text/normalize-text.js';

const options = { maxChars: 20_000 };
const clean = (text: string): string => cleanText(text, options).text;

/** Fragments that exercise every cleaning step and their interactions. */
const tricky = fc.constantFrom(
  '&', 'amp;', '&amp;', '#', '#38;', ';', 'lt;', 'gt', '&#', 'x', '<', '>', '<b>', '</i>', '<br />', '<!', '<?',
  'a', 'b', '1', '5', '0', ' ', '  ', '\t', '\n', '\u0000', '\u0085', '\u0096', '\u00AD', '\u200B', '\u0301',
  'e', '@', '.', 'com', '-', '(', ')', '+', '[', ']', 'www.', 'http://', 'https://x.io/', '555', '1234',
  '4111 1111 1111 1111', '\uD800', '\uDC00', '🎬', 'é', 'Å', '\u212B',
);
const trickyText = fc.array(tricky, { maxLength: 40 }).map((parts) => parts.join(''));

describe('cleanText properties', () => {
  it('cleanText is idempotent on arbitrary strings of any unit', () => {
    // fast-check 4's `binary` unit is v3's fullUnicodeString (any code point); raw UTF-16 units add lone surrogates.
    const utf16Units = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 30 }).map((units) => String.fromCharCode(...units));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), utf16Units, fc.string({ unit: 'binary-ascii' })), (text) => {
        const once = clean(text);
        expect(clean(once)).toBe(once);
      }),
      { numRuns: 2_000 },
    );
  });

  it('cleanText is idempotent on text built from entity, tag, PII and control fragments', () => {
    fc.assert(
      fc.property(trickyText, (text) => {
        const once = clean(text);
        expect(clean(once)).toBe(once);
      }),
      { numRuns: 5_000 },
    );
  });

  it('cleanText never throws and always returns well-formed, NFC, trimmed text', () => {
    const loneSurrogates = fc.array(fc.integer({ min: 0xd800, max: 0xdfff }), { maxLength: 8 }).map((units) => String.fromCharCode(...units));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), loneSurrogates, trickyText), (text) => {
        const out = clean(text);
        expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/); // well-formed
        expect(out.normalize('NFC')).toBe(out);
        expect(out).toBe(out.trim());
        expect(out).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]|\s\s/);
      }),
      { numRuns: 2_000 },
    );
  });

  it('cleanText drops script, style, noscript and template content however the markup is written', () => {
    const element = fc.constantFrom('script', 'style', 'noscript', 'template', 'SCRIPT', 'Style');
    const open = fc.tuple(element, fc.constantFrom('', ' type="text/javascript"', ' src=x.js', '\n')).map(([name, attrs]) => [name, `<${name}${attrs}>`] as const);
    // Text around the element that opens no markup of its own (`<!` would swallow the tag as a comment, as in a browser).
    const context = trickyText.filter((t) => !/[<&]/.test(t));
    const escaped = fc.boolean();
    const closed = fc.boolean();
    fc.assert(
      fc.property(context, open, escaped, closed, context, (before, [name, tag], escape, close, after) => {
        let markup = `${tag}PAYLOADSOURCE(1);${close ? `</${name}>` : ''}`;
        if (escape) markup = markup.replace(/</g, '&lt;').replace(/>/g, '&gt;');
        const out = clean(`${before} ${markup} ${close ? after : ''}`);
        expect(out).not.toMatch(/PAYLOAD|SOURCE/i);
      }),
      { numRuns: 2_000 },
    );
  });

  it('cleanText NFC handles lone surrogates in V8 without throwing', () => {
    expect('\uD800'.normalize('NFC')).toBe('\uD800');
    expect(clean('x\uD83D y \uDE00')).toBe('x\uFFFD y \uFFFD');
  });
});

describe('cleanText on 1 MB adversarial inputs', () => {
  const MB = 1_000_000;
  const cases: Array<[string, string]> = [
    ['angle brackets', '<'.repeat(MB)],
    ['unterminated tag', '<a' + 'a'.repeat(MB)],
    ['tag starts', '<a'.repeat(MB / 2)],
    ['local parts and at signs', 'aaaa@'.repeat(MB / 5)],
    ['alternating a@', 'a@'.repeat(MB / 2)],
    ['dotted local part before one @', 'a.'.repeat(MB / 2) + '@' + 'b.'.repeat(MB / 2)],
    ['digits', '1'.repeat(MB)],
    ['digit groups', '1234 '.repeat(MB / 5)],
    ['phone-like chain', '555-1234-'.repeat(MB / 9)],
    ['plus prefixes', '+1 '.repeat(MB / 3)],
    ['ampersands', '&'.repeat(MB)],
    ['amp chain', '&amp;'.repeat(MB / 5)],
    ['numeric ampersand chain', '&#38;'.repeat(MB / 5) + 'lt;'],
    ['unterminated names', '&a'.repeat(MB / 2)],
    ['url prefixes', 'http://'.repeat(MB / 7)],
    ['www prefixes', 'www.'.repeat(MB / 4)],
    ['whitespace', ' \t\n'.repeat(MB / 3)],
    ['lone surrogates', '\uD800'.repeat(MB)],
    ['C1 controls', '\u0096'.repeat(MB)],
    ['combining marks', 'e\u0301'.repeat(MB / 2)],
    ['nested inline elements', '<b>'.repeat(MB / 3)],
    ['script openings', '<script>'.repeat(MB / 8)],
    ['comment openings', '<!--'.repeat(MB / 4)],
    ['tags split by tags', '<<b></b>'.repeat(MB / 8)],
    ['IPv6-like colons', '1:'.repeat(MB / 2)],
    ['IBAN-like starts', 'DE89 '.repeat(MB / 5)],
  ];
  // a guard against quadratic or exponential scans (minutes on 1 MB), not a speed claim:
  // linear code takes well under a second here, and a loaded 2-core machine must not fail it
  it.each(cases)('cleanText returns on 1 MB of %s', (_name, text) => {
    const started = performance.now();
    const out = cleanText(text, { maxChars: 2 * MB });
    expect(typeof out.text).toBe('string');
    expect(performance.now() - started).toBeLessThan(30_000);
  }, 60_000);
});
