// ts-json-schema-generator writes JSON Schema draft-07 with shared `definitions` and
// `$ref`s. A CRD needs a *structural* OpenAPI v3 schema: no $ref, a type on every node,
// no additionalProperties: false (pruning drops unknown fields instead), Kubernetes'
// int-or-string form. This module rewrites one into the other, and refuses what it cannot
// express with the path of the offending node.

export type JsonObject = { [key: string]: unknown };

const REF_PREFIX = '#/definitions/';

export class StructuralSchemaError extends Error {}

/** The structural form of `schema` (which is left untouched). */
export function toStructuralSchema(schema: JsonObject): JsonObject {
  const definitions = (schema.definitions ?? {}) as Record<string, JsonObject>;
  return convert(schema, '', definitions, []);
}

function convert(node: JsonObject, path: string, definitions: Record<string, JsonObject>, refStack: string[]): JsonObject {
  let out: JsonObject = {};
  const ref = node.$ref;
  if (typeof ref === 'string') {
    // Inline the definition; annotations beside the $ref (a property's own description,
    // default, CEL rules) win over the type's, and CEL rules of both apply.
    if (!ref.startsWith(REF_PREFIX)) throw new StructuralSchemaError(`${path || '/'}: unsupported $ref ${ref}`);
    const name = decodeURIComponent(ref.slice(REF_PREFIX.length));
    const target = definitions[name];
    if (!target) throw new StructuralSchemaError(`${path || '/'}: $ref to unknown definition ${name}`);
    if (refStack.includes(name)) {
      throw new StructuralSchemaError(`${path}: recursive type ${[...refStack, name].join(' -> ')} cannot be a CRD schema`);
    }
    out = convert(target, path, definitions, [...refStack, name]);
  }
  for (const [key, value] of Object.entries(node)) {
    switch (key) {
      case '$ref':
      case '$schema':
      case 'definitions':
        break;
      case 'additionalProperties':
        // false is the generator's default for closed interfaces; the API server prunes
        // unknown fields, and refuses additionalProperties: false next to properties.
        if (value !== false) out.additionalProperties = convert(value as JsonObject, `${path}/*`, definitions, refStack);
        break;
      case 'properties': {
        const props: JsonObject = {};
        for (const [name, sub] of Object.entries(value as Record<string, JsonObject>)) {
          props[name] = convert(sub, `${path}/${name}`, definitions, refStack);
        }
        out.properties = props;
        break;
      }
      case 'items':
        if (Array.isArray(value)) throw new StructuralSchemaError(`${path}: tuples cannot be a CRD schema`);
        out.items = convert(value as JsonObject, `${path}[]`, definitions, refStack);
        break;
      case 'const':
        out.enum = [value];
        break;
      case 'description':
        // Kubernetes' own descriptions in @kubernetes/client-node escape apostrophes.
        out.description = (value as string).replace(/\\'/g, "'");
        break;
      case 'x-kubernetes-validations':
        out[key] = [...((out[key] as unknown[]) ?? []), ...(value as unknown[])];
        break;
      case 'anyOf':
      case 'oneOf':
      case 'allOf':
        throw new StructuralSchemaError(
          `${path || '/'}: ${key} (a union or intersection of object types) cannot be a structural CRD schema; use one object type or a string enum`,
        );
      default:
        out[key] = value;
    }
  }
  if (out['x-kubernetes-int-or-string'] === true) {
    // Kubernetes' int-or-string: no type, and exactly this anyOf.
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  } else if (Array.isArray(out.type)) {
    throw new StructuralSchemaError(`${path || '/'}: a value of several types (${out.type.join(', ')}) cannot be a structural CRD schema`);
  } else if (out.type === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    throw new StructuralSchemaError(`${path || '/'}: no type (structural CRD schemas need one on every node)`);
  }
  return out;
}
