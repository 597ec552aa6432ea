import fc from 'fast-check';
import { getExampleNumber, type CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import type { Redactions } from '../../../src/records/types.js';
import { cleanText } from '../../../src/text/normalize-text.js';
import { NATIONAL_COUNTRIES } from '../../../src/text/phones.js';
import { PLACEHOLDER, redactPii } from '../../../src/text/pii.js';
import { augmentOptions, review, runAugment } from '../stages/helpers.js';

const clean = (text: string): string => cleanText(text, { maxChars: 20_000 }).text;
const NONE: Redactions = { email: 0, phone: 0, url: 0, card: 0, iban: 0, ip: 0 };

/** One phone number of a covered country in one of its written forms, with the digits it must not leave. */
const phone = fc
  .record({
    country: fc.constantFrom(...NATIONAL_COUNTRIES),
    form: fc.constantFrom('national', 'international', 'e164', 'grouped', 'bare'),
    separator: fc.constantFrom(' ', '.', '-'),
    tail: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ country, form, separator, tail }) => writePhone(country, form, separator, tail));

function writePhone(country: CountryCode, form: string, separator: string, tail: number): string {
  const example = getExampleNumber(country, examples);
  if (example === undefined) throw new Error(`no example number for ${country}`);
  // Other subscribers than the example: the last three digits vary (a bare run must stay valid, so it keeps them).
  const nsn = form === 'bare' ? example.nationalNumber : example.nationalNumber.slice(0, -3) + String(tail).padStart(3, '0');
  const groups = nsn.match(/.{1,4}/g) ?? [nsn];
  switch (form) {
    case 'national':
      return example.formatNational().replace(/\d{3}$/, String(tail).padStart(3, '0')).replace(/[ -]/g, separator);
    case 'international':
      return `+${example.countryCallingCode} ${groups.join(separator)}`;
    case 'e164':
      return `+${example.countryCallingCode}${nsn}`;
    case 'grouped':
      return groups.join(separator);
    default:
      return example.formatNational().replace(/\D/g, '');
  }
}

/** Valid IBANs from the IBAN registry's examples, printed or electronic, upper or lower case. */
const iban = fc
  .record({
    value: fc.constantFrom('DE89370400440532013000', 'GB82WEST12345698765432', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'ES9121000418450200051332', 'IT60X0542811101000000123456', 'BR1800360305000010009795493C1', 'TR330006100519786457841326', 'PK36SCBL0000001123456702', 'EG380019000500000000263180002'),
    printed: fc.boolean(),
    lower: fc.boolean(),
  })
  .map(({ value, printed, lower }) => {
    const text = printed ? (value.match(/.{1,4}/g) ?? []).join(' ') : value;
    return lower ? text.toLowerCase() : text;
  });

/** 16 digits passing Luhn. */
const card = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 15, maxLength: 15 }).map((digits) => {
  let sum = 0;
  digits.forEach((d, i) => {
    // Doubled: every second digit counted from the check digit, which comes last.
    const doubled = (digits.length - i) % 2 === 1 ? d * 2 : d;
    sum += doubled > 9 ? doubled - 9 : doubled;
  });
  return [...digits, (10 - (sum % 10)) % 10].join('').replace(/(\d{4})(?=\d)/g, '$1 ');
});

const ip = fc.oneof(fc.ipV4(), fc.ipV6().filter((a) => a.length >= 4 && !/^::\d?$/.test(a)));
const identifier = fc.oneof(phone, iban, card, ip);

/** Words, spaces and punctuation without digits, to embed identifiers in. */
const words = fc
  .array(fc.constantFrom('great', 'film', 'call', 'me', 'on', 'rated', 'eight', 'of', 'ten', ',', '.', '!', '(', ')', ':', '—', 'é'), { maxLength: 8 })
  .map((parts) => parts.join(' '));

/** Fragments that meet at the edges of every finder: digits, separators, letters, placeholders. */
const fragment = fc.constantFrom(
  '0', '1', '4', '9', '00', '12', '255', '2019', '1234', '555', '+', '+1', '+49', ' ', '.', '-', '(', ')', ':', '::', '/', ',',
  'a', 'f', 'x', 'DE', 'de89', 'GB82', 'WEST', 'fe80', '@', 'b.com', '€', '$', 'EUR',
  ...Object.values(PLACEHOLDER),
);
const fragmentText = fc.array(fc.oneof(fragment, identifier), { maxLength: 24 }).map((parts) => parts.join(''));

describe('redaction properties', () => {
  it('redaction is idempotent: a second pass changes nothing and counts nothing', () => {
    fc.assert(
      fc.property(fragmentText, (text) => {
        const once = redactPii(text);
        const twice = redactPii(once.text);
        expect(twice.text).toBe(once.text);
        expect(twice.redactions).toEqual(NONE);
      }),
      { numRuns: 3_000 },
    );
  });

  it('no placeholder is itself redacted, wherever it stands', () => {
    fc.assert(
      fc.property(fragmentText, (text) => {
        const out = redactPii(text).text;
        for (const placeholder of Object.values(PLACEHOLDER)) {
          expect(count(out, placeholder), placeholder).toBeGreaterThanOrEqual(count(text, placeholder));
        }
      }),
      { numRuns: 3_000 },
    );
  });

  it('a phone number, IBAN, card or IP address embedded in words never survives clean', () => {
    fc.assert(
      fc.property(words, identifier, words, (before, value, after) => {
        const out = clean(`${before} ${value} ${after}`);
        // The words hold no digits, so any digit left is part of the identifier.
        expect(out).not.toMatch(/\d/);
      }),
      { numRuns: 3_000 },
    );
  });

  it('every covered country has an example number in each written form that clean redacts', () => {
    for (const country of NATIONAL_COUNTRIES) {
      for (const form of ['national', 'international', 'e164', 'grouped', 'bare']) {
        for (const separator of [' ', '.', '-']) {
          const written = writePhone(country, form, separator, 123);
          expect(clean(`call ${written} now`), `${country} ${form} ${JSON.stringify(written)}`).toBe('call [phone] now');
        }
      }
    }
  });

  it('the augmenter never re-creates a redacted value or makes a new one', () => {
    const options = augmentOptions({ ratio: 1, copies: 3 });
    fc.assert(
      fc.property(words, identifier, words, fc.integer({ min: 0, max: 1_000_000 }), (before, value, after, id) => {
        const cleaned = clean(`the film was great ${before} ${value} ${after} and the acting too`);
        for (const e of runAugment(review(cleaned, { id: `r-${id}` }), options)) {
          if (e.kind !== 'out') continue;
          expect(e.review.text).not.toMatch(/\d{3}/);
          expect(redactPii(e.review.text).redactions).toEqual(NONE);
        }
      }),
      { numRuns: 500 },
    );
  });
});

function count(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}
