import { describe, expect, it } from 'vitest';
import { redactPii } from '../../../src/text/pii.js';

/**
 * Both sides of phone redaction. Numbers: national and international formats of the 20
 * most populous countries plus GB, FR, IT, ES, with spaces, dots, dashes and parentheses.
 * Not numbers: years, prices, ratings, runtimes, model numbers, dates, counts, ISBNs.
 */
const PHONES: Array<[country: string, written: string]> = [
  ['India', '098765 43210'], ['India', '+91 98765 43210'], ['India', '022 2345 6789'],
  ['China', '138 0013 8000'], ['China', '+86 138 0013 8000'], ['China', '010-6552-9988'],
  ['United States', '(212) 555-0123'], ['United States', '212-555-0123'], ['United States', '212.555.0123'],
  ['United States', '+1 212 555 0123'], ['United States', '1-800-555-0199'], ['United States', '(555) 123-4567'],
  ['Indonesia', '0812-3456-7890'], ['Indonesia', '+62 812 3456 7890'], ['Indonesia', '(021) 5794 7400'],
  ['Pakistan', '0300 1234567'], ['Pakistan', '+92 300 1234567'], ['Pakistan', '042-35761234'],
  ['Nigeria', '0803 123 4567'], ['Nigeria', '+234 803 123 4567'],
  ['Brazil', '(11) 91234-5678'], ['Brazil', '+55 11 91234-5678'], ['Brazil', '011 91234 5678'],
  ['Bangladesh', '01712-345678'], ['Bangladesh', '+880 1712-345678'],
  ['Russia', '8 (495) 123-45-67'], ['Russia', '+7 495 123-45-67'], ['Russia', '8 912 345 67 89'],
  ['Ethiopia', '091 123 4567'], ['Ethiopia', '+251 91 123 4567'], ['Ethiopia', '011 551 2345'],
  ['Mexico', '55 1234 5678'], ['Mexico', '+52 55 1234 5678'], ['Mexico', '33 1234 5678'],
  ['Japan', '090-1234-5678'], ['Japan', '03-1234-5678'], ['Japan', '+81 3-1234-5678'],
  ['Egypt', '010 1234 5678'], ['Egypt', '+20 10 1234 5678'], ['Egypt', '02 2345 6789'],
  ['Philippines', '0917 123 4567'], ['Philippines', '+63 917 123 4567'], ['Philippines', '(02) 8123 4567'],
  ['DR Congo', '081 234 5678'], ['DR Congo', '+243 81 234 5678'],
  ['Vietnam', '091 234 56 78'], ['Vietnam', '+84 91 234 56 78'], ['Vietnam', '024 3825 3456'],
  ['Iran', '0912 345 6789'], ['Iran', '+98 912 345 6789'], ['Iran', '021 2234 5678'],
  ['Turkey', '0532 123 45 67'], ['Turkey', '+90 532 123 45 67'], ['Turkey', '(0212) 345 67 89'],
  ['Germany', '030 12345678'], ['Germany', '030 1234 5678'], ['Germany', '+49 30 12345678'],
  ['Germany', '+49 (0)30 1234 5678'], ['Germany', '0171 2345678'], ['Germany', '0049 30 12345678'],
  ['Germany', '030/12345678'], ['Germany', '0221 / 123 456 78'],
  ['Thailand', '02 123 4567'], ['Thailand', '+66 81 234 5678'],
  ['United Kingdom', '020 7946 0958'], ['United Kingdom', '+44 20 7946 0958'], ['United Kingdom', '07700 900123'],
  ['United Kingdom', '+44 (0)20 7946 0958'],
  ['France', '01 23 45 67 89'], ['France', '06.12.34.56.78'], ['France', '+33 6 12 34 56 78'],
  ['Italy', '06 1234 5678'], ['Italy', '347 123 4567'], ['Italy', '+39 347 123 4567'],
  ['Spain', '612 34 56 78'], ['Spain', '612 345 678'], ['Spain', '+34 612 345 678'], ['Spain', '91 123 45 67'],
  ['E.164', '+4930123456789'], ['E.164', '+14155552671'],
  ['valid, unformatted', '01712345678'], ['valid, unformatted', '13800138000'],
  ['local 7 digits', '555-1234'],
];

const NOT_PHONES: Array<[kind: string, text: string]> = [
  ['years', 'from 1999 to 2004, remade in 2019 2020'],
  ['a year range', 'it ran 1999-2004 and 1999 - 2004'],
  ['prices', 'was $19.99, now $1 299 000 or 1 299 000 € or 1.299,00 EUR or 2 499 999 dollars'],
  ['ratings', 'rated 8/10, 9.5/10 and 4.5/5 stars'],
  ['a list of ratings', 'scores: 10/10 9/10 8/10 and 100/100 95/100'],
  ['slashed dates', 'seen 12/05/2019 and 2019/05/12'],
  ['runtimes', 'runtime 2h 15min, 135 minutes, 2:15:00'],
  ['model numbers', 'Sony KD-55X80J, RTX 3080, WH-1000XM4, SM-G991B, 1080p, i7-12700K, 24-105mm'],
  ['counts', 'sold 12.345.678 copies and 1 234 567 tickets'],
  ['dates', 'on 12.05.2019, 2019-05-12 and 31-12-2020'],
  ['an ISBN', 'ISBN 978-3-16-148410-0'],
  ['scores and ranges', 'won 102-98 in episodes 1-10 of season 2'],
  ['a version number', 'firmware 1.2.3 build 4'],
  ['a 16-digit number failing Luhn', 'ref 4111111111111112'],
  ['short numbers', 'room 101, flight 4567, 3 of 5'],
];

describe('phone redaction', () => {
  it.each(PHONES)('redactPii redacts a %s number written %s', (_country, written) => {
    const result = redactPii(`Call me on ${written} after six.`);
    expect(result.text).toBe('Call me on [phone] after six.');
    expect(result.redactions.phone).toBe(1);
  });

  it.each(NOT_PHONES)('redactPii leaves %s alone', (_kind, text) => {
    const result = redactPii(text);
    expect(result.text).toBe(text);
    expect(result.redactions.phone).toBe(0);
  });

  it('redactPii redacts a phone number and a year before it as one number when the whole run is possible', () => {
    expect(redactPii('in 2019 030 12345678 answered').text).toBe('in [phone] answered');
  });

  it('redactPii finds a phone number inside a run of digit groups too long to be one number', () => {
    expect(redactPii('codes 1234 5678 9012 030 12345678 end').text).toBe('codes [phone] end');
  });
});
