// The rewrite from ts-json-schema-generator's draft-07 output to a structural CRD schema.
import { describe, expect, it } from 'vitest';
import { StructuralSchemaError, toStructuralSchema } from './structural-schema.js';

describe('toStructuralSchema', () => {
  it('inlines $refs, the property annotations winning and the CEL rules of both kept', () => {
    const out = toStructuralSchema({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        storage: {
          $ref: '#/definitions/Storage',
          description: 'Per-node volume.',
          'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'immutable' }],
        },
      },
      required: ['storage'],
      additionalProperties: false,
      definitions: {
        Storage: {
          type: 'object',
          description: 'A volume.',
          properties: { size: { type: 'string' } },
          additionalProperties: false,
          'x-kubernetes-validations': [{ rule: 'size(self.size) > 0', message: 'size' }],
        },
      },
    });
    expect(out).toEqual({
      type: 'object',
      properties: {
        storage: {
          type: 'object',
          description: 'Per-node volume.',
          properties: { size: { type: 'string' } },
          'x-kubernetes-validations': [
            { rule: 'size(self.size) > 0', message: 'size' },
            { rule: 'self == oldSelf', message: 'immutable' },
          ],
        },
      },
      required: ['storage'],
    });
  });

  it('writes int-or-string as Kubernetes does, keeps maps, turns const into a one-value enum', () => {
    const out = toStructuralSchema({
      type: 'object',
      properties: {
        limits: { type: 'object', additionalProperties: { $ref: '#/definitions/Quantity' } },
        apiVersion: { type: 'string', const: 'kafka.millrace.dev/v1alpha1' },
      },
      definitions: { Quantity: { type: ['number', 'string'], 'x-kubernetes-int-or-string': true, pattern: '^[0-9]+$' } },
    });
    expect(out.properties).toEqual({
      limits: {
        type: 'object',
        additionalProperties: { 'x-kubernetes-int-or-string': true, pattern: '^[0-9]+$', anyOf: [{ type: 'integer' }, { type: 'string' }] },
      },
      apiVersion: { type: 'string', enum: ['kafka.millrace.dev/v1alpha1'] },
    });
  });

  it("unescapes client-node's apostrophes in descriptions", () => {
    expect(toStructuralSchema({ type: 'string', description: "a key\\'s value" }).description).toBe("a key's value");
  });

  it('refuses what a structural schema cannot say, naming the path', () => {
    const refused: [string, Record<string, unknown>, RegExp][] = [
      ['a union of objects', { type: 'object', properties: { a: { anyOf: [{ type: 'object' }, { type: 'string' }] } } }, /\/a: anyOf/],
      ['several types', { type: 'object', properties: { b: { type: ['number', 'boolean'] } } }, /\/b: a value of several types \(number, boolean\)/],
      ['no type', { type: 'object', properties: { c: { description: 'any' } } }, /\/c: no type/],
      ['a tuple', { type: 'object', properties: { d: { type: 'array', items: [{ type: 'string' }] } } }, /\/d: tuples/],
      [
        'a recursive type',
        { $ref: '#/definitions/Node', definitions: { Node: { type: 'object', properties: { next: { $ref: '#/definitions/Node' } } } } },
        /\/next: recursive type Node -> Node/,
      ],
      ['an unknown definition', { type: 'object', properties: { e: { $ref: '#/definitions/Missing' } } }, /\/e: \$ref to unknown definition Missing/],
    ];
    for (const [what, schema, message] of refused) {
      expect(() => toStructuralSchema(schema), what).toThrow(StructuralSchemaError);
      expect(() => toStructuralSchema(schema), what).toThrow(message);
    }
  });

  it('does not modify its input', () => {
    const input = { type: 'object', properties: { a: { $ref: '#/definitions/A' } }, definitions: { A: { type: 'string' } } };
    const copy = structuredClone(input);
    toStructuralSchema(input);
    expect(input).toEqual(copy);
  });
});
