// Runs ts-json-schema-generator over the API types: one TypeScript program for all
// kinds (building it is the slow part), one JSON Schema (draft-07) per resource type.
import { createGenerator, type Schema, type SchemaGenerator } from 'ts-json-schema-generator';
import ts from 'typescript';
import { KUBERNETES_SCHEMA_EXTENSIONS } from '../api/v1alpha1/schema-extensions.js';


export class TypeSchemaSource {
  private readonly generator: SchemaGenerator;

  constructor(sourceFiles: string[]) {
    // The repository's compiler settings (NodeNext resolution of the .js imports).
    const program = ts.createProgram(sourceFiles, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2023,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
    });
    const errors = ts.getPreEmitDiagnostics(program);
    if (errors.length) {
      const text = ts.formatDiagnostics(errors, {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => process.cwd(),
        getNewLine: () => '\n',
      });
      throw new Error(`the API types do not type-check:\n${text}`);
    }
    this.generator = createGenerator({
      tsProgram: program,
      // The Kubernetes extensions as JSDoc tags, values in JSON5, kept as they are:
      // `@x-kubernetes-validations [{rule: "...", message: "..."}]` next to the field.
      extraTags: [...KUBERNETES_SCHEMA_EXTENSIONS],
      skipTypeCheck: true, // checked above, once
      expose: 'export',
      topRef: false,
      jsDoc: 'extended',
      additionalProperties: false,
      sortProps: false, // keep the order of the TypeScript source: kubectl explain reads better
    });
  }

  /** The JSON Schema of one exported type, its references in `definitions`. */
  schemaOf(typeName: string): Schema {
    return this.generator.createSchema(typeName);
  }
}
