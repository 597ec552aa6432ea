/**
 * avsc decodes records into instances of a generated class per record type. Our callers
 * compare, spread and serialise records as the plain objects of `types.ts`, so this
 * record type generates a "constructor" that returns an object literal instead: `new`
 * on it yields a plain object with the fields in schema order and defaults filled in,
 * for decoding, resolving and cloning alike. It costs nothing over avsc's own class.
 */
import avro from 'avsc';

interface Field {
  name: string;
  defaultValue(): unknown;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class PlainRecordType extends avro.types.RecordType {
  _createConstructor(this: { fields: readonly Field[]; name: string | undefined }): unknown {
    const defaults: (() => unknown)[] = [];
    const args: string[] = [];
    const props: string[] = [];
    this.fields.forEach((field, i) => {
      // Avro names are identifiers; checked anyway since they are compiled into code.
      if (!IDENTIFIER.test(field.name)) throw new Error(`invalid field name ${JSON.stringify(field.name)} in ${String(this.name)}`);
      args.push(`v${i}`);
      if (field.defaultValue() === undefined) {
        props.push(`${field.name}: v${i}`);
      } else {
        props.push(`${field.name}: v${i} === undefined ? d${defaults.length}() : v${i}`);
        defaults.push(() => field.defaultValue());
      }
    });
    const body = `return function plainRecord(${args.join(', ')}) {\n  return { ${props.join(', ')} };\n};`;
    const make = new Function(...defaults.map((_, i) => `d${i}`), body) as (...d: (() => unknown)[]) => unknown;
    return make(...defaults);
  }
}
