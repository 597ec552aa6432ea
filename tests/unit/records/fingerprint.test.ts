import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { canonicalForm, crc64Avro, fingerprintBytes, fingerprintOfType } from '../../../src/records/fingerprint.js';

// Expected CRC-64-AVRO fingerprints (little-endian byte order, as hex) from the Apache
// Avro test suites (lang/py test_schema.py and its generated fingerprint tests; one copy
// lists 43818703b7b5d769 for HandshakeRequest, two others and the spec's rules give this one).
const KNOWN: [schema: unknown, hex: string][] = [
  ['null', '8a8f25cce724dd63'],
  ['boolean', '64f7d4a478fc429f'],
  ['int', '8f5c393f1ad57572'],
  ['long', 'b71df49344e154d0'],
  ['float', '90d7a83ecb027c4d'],
  ['double', '7e95ab32c035758e'],
  ['bytes', '651920c3da16c04f'],
  ['string', 'c70345637248018f'],
  [{ type: 'fixed', name: 'Test', size: 1 }, '6869897b4049355b'],
  [{ type: 'fixed', name: 'MyFixed', namespace: 'org.apache.hadoop.avro', size: 1 }, 'fadbd138e85bdf45'],
  [{ type: 'enum', name: 'Test', symbols: ['A', 'B'], doc: 'Doc String' }, '03a2f2c2e27f7a16'],
  [{ type: 'array', items: 'long' }, '715e2ea28bc91654'],
  [{ type: 'map', values: 'long' }, '6f74f4e409b1334e'],
  [['string', 'null', 'long'], '65a5be410d687566'],
  [{ type: 'record', name: 'Test', fields: [{ name: 'f', type: 'long' }] }, 'ed94e5f5e6eb588e'],
  [
    { type: 'record', name: 'Node', fields: [{ name: 'label', type: 'string' }, { name: 'children', type: { type: 'array', items: 'Node' } }] },
    '52cba544c3e756b7',
  ],
  [
    {
      type: 'record',
      name: 'HandshakeRequest',
      namespace: 'org.apache.avro.ipc',
      fields: [
        { name: 'clientHash', type: { type: 'fixed', name: 'MD5', size: 16 } },
        { name: 'clientProtocol', type: ['null', 'string'] },
        { name: 'serverHash', type: 'MD5' },
        { name: 'meta', type: ['null', { type: 'map', values: 'bytes' }] },
      ],
    },
    'b96ad79e5a7c5757',
  ],
  [{ type: 'record', name: 'TestDoc', doc: 'Doc string', fields: [{ name: 'name', type: 'string', doc: 'Doc String' }] }, '0e6660f02bcdc109'],
];

describe('fingerprint', () => {
  it('fingerprint of empty input is the CRC-64-AVRO seed', () => {
    expect(crc64Avro(new Uint8Array(0))).toBe(0xc15d213aa4d7a795n);
  });

  it('fingerprint of "int" is 0x7275d51a3f395c8f, written little-endian', () => {
    const fp = crc64Avro(Buffer.from('"int"'));
    expect(fp).toBe(0x7275d51a3f395c8fn);
    expect([...fingerprintBytes(fp)]).toEqual([0x8f, 0x5c, 0x39, 0x3f, 0x1a, 0xd5, 0x75, 0x72]);
  });

  it.each(KNOWN.map(([schema, hex]) => [JSON.stringify(schema), schema, hex] as const))(
    'fingerprint of %s matches the Avro test suite',
    (_label, schema, hex) => {
      expect(fingerprintOfType(avro.Type.forSchema(schema as avro.Schema)).toString('hex')).toBe(hex);
    },
  );

  it('fingerprint canonical form strips doc, defaults, aliases and logical types and qualifies names', () => {
    const type = avro.Type.forSchema({
      type: 'record',
      name: 'R',
      namespace: 'dev.x',
      doc: 'gone',
      aliases: ['Old'],
      fields: [
        { name: 't', type: { type: 'long', logicalType: 'timestamp-millis' }, default: 0, doc: 'gone' },
        { name: 'e', type: { type: 'enum', name: 'E', symbols: ['a'] } },
        { name: 'e2', type: 'E' },
      ],
    });
    expect(canonicalForm(type)).toBe(
      '{"name":"dev.x.R","type":"record","fields":[{"name":"t","type":"long"},' +
        '{"name":"e","type":{"name":"dev.x.E","type":"enum","symbols":["a"]}},{"name":"e2","type":"dev.x.E"}]}',
    );
  });
});
