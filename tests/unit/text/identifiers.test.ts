import { describe, expect, it } from 'vitest';
import { redactPii } from '../../../src/text/pii.js';

describe('IBAN redaction', () => {
  it.each([
    ['a German IBAN in print', 'pay to DE89 3704 0044 0532 0130 00 please', 'pay to [iban] please'],
    ['a British IBAN, electronic, before punctuation', 'iban: GB82WEST12345698765432.', 'iban: [iban].'],
    ['a French IBAN with letters in the BBAN', 'FR14 2004 1010 0505 0001 3M02 606', '[iban]'],
    ['a Dutch IBAN in lower case', 'nl91abna0417164300 thanks', '[iban] thanks'],
    ['an IBAN with dashes', 'ES91-2100-0418-4502-0005-1332', '[iban]'],
  ])('redactPii redacts %s', (_name, input, expected) => {
    const result = redactPii(input);
    expect(result.text).toBe(expected);
    expect(result.redactions.iban).toBe(1);
  });

  it.each([
    ['a wrong check digit', 'DE88 3704 0044 0532 0130 00'],
    ['an unknown country', 'QQ89 3704 0044 0532 0130 00'],
    ['a code inside a word', 'XDE89370400440532013000'],
    ['a model number', 'the DE12 is a great mixer'],
  ])('redactPii does not count %s as an IBAN', (_name, input) => {
    expect(redactPii(input).redactions.iban).toBe(0);
  });
});

describe('IP address redaction', () => {
  it.each([
    ['an IPv4 address', 'from 192.168.1.20 today', 'from [ip] today'],
    ['an IPv4 address ending a sentence', 'my server is 8.8.4.4.', 'my server is [ip].'],
    ['a full IPv6 address', 'host 2001:0db8:85a3:0000:0000:8a2e:0370:7334 up', 'host [ip] up'],
    ['a compressed IPv6 address', 'at 2001:db8::8a2e:370:7334, then', 'at [ip], then'],
    ['a link-local IPv6 address ending a sentence', 'ping fe80::1.', 'ping [ip].'],
    ['an IPv6 address after a colon', 'ip:fe80::abcd', 'ip:[ip]'],
    ['an IPv4-mapped IPv6 address', '::ffff:192.0.2.128 x', '[ip] x'],
    ['an IPv6 address with hex letters only', 'dead:beef::cafe', '[ip]'],
  ])('redactPii redacts %s', (_name, input, expected) => {
    const result = redactPii(input);
    expect(result.text).toBe(expected);
    expect(result.redactions.ip).toBe(1);
  });

  it.each([
    ['a version number', 'version 1.2.3 rocks'],
    ['a dotted number with five parts', '1.2.3.4.5'],
    ['an octet over 255', '192.168.1.256'],
    ['a time', 'at 12:30:45 sharp'],
    ['a ratio and a label', 'Note: 16:9 screen'],
    ['loopback, shorter than its placeholder', '::1'],
    ['a MAC address', '00:1a:2b:3c:4d:5e'],
  ])('redactPii leaves %s alone', (_name, input) => {
    const result = redactPii(input);
    expect(result.redactions.ip).toBe(0);
  });
});
