import { describe, expect, it } from 'vitest';
import { isCardNumber, redactPii } from '../../../src/text/pii.js';

describe('redactPii', () => {
  it.each([
    ['an e-mail address', 'write to joe.bloggs+x@example.co.uk.', 'write to [email].', { email: 1 }],
    ['two addresses', 'a1@b.com, c2@d.org', '[email], [email]', { email: 2 }],
    ['an address before a card number', 'ab@cd.co4111111111111111 x', '[email][card] x', { email: 1, card: 1 }],
    ['not an address: no dot in the domain', 'me@localhost rocks', 'me@localhost rocks', {}],
    ['not an address: a handle', 'thanks @moviebuff!', 'thanks @moviebuff!', {}],
    ['a URL with scheme, trailing punctuation kept', 'see https://x.com/a?b=1). ok', 'see [url]). ok', { url: 1 }],
    ['a www URL', 'www.example.com/path, then', '[url], then', { url: 1 }],
    ['"awww" is not a URL', 'awww.. so cute', 'awww.. so cute', {}],
    ['a URL holding an @ counts once, as a URL', 'http://u@h.io/x', '[url]', { url: 1 }],
    ['a Visa test number with spaces', 'card 4111 1111 1111 1111 ok', 'card [card] ok', { card: 1 }],
    ['an Amex test number with dashes', '3782-822463-10005', '[card]', { card: 1 }],
    ['a 16-digit number failing Luhn stays', 'ref 4111111111111112', 'ref 4111111111111112', {}],
    ['a North American phone number', 'call (555) 123-4567 now', 'call [phone] now', { phone: 1 }],
    ['an international phone number', 'ring +44 20 7946 0958.', 'ring [phone].', { phone: 1 }],
    ['a 7-digit local number', 'dial 555-1234.', 'dial [phone].', { phone: 1 }],
    ['years and prices are not phones', 'from 1999 to 2004, $19.99, 10/10', 'from 1999 to 2004, $19.99, 10/10', {}],
  ])('redactPii redacts %s', (_name, input, expected, counts) => {
    const result = redactPii(input);
    expect(result.text).toBe(expected);
    expect(result.redactions).toEqual({ email: 0, phone: 0, url: 0, card: 0, iban: 0, ip: 0, ...counts });
  });

  it('redactPii never lengthens text', () => {
    for (const input of ['ab@c.de', 'www.x', 'http://x', '555-1234', '4111111111111111', 'www..']) {
      expect(redactPii(input).text.length).toBeLessThanOrEqual(input.length);
    }
  });
});

describe('isCardNumber', () => {
  it.each([
    ['4111 1111 1111 1111', true],
    ['5500-0000-0000-0004', true],
    ['378282246310005', true],
    ['4111 1111 1111 1112', false],
    ['411111111111', false], // 12 digits
    ['41111111111111111111', false], // 20 digits
  ])('isCardNumber(%s) is %s', (candidate, expected) => {
    expect(isCardNumber(candidate)).toBe(expected);
  });
});
