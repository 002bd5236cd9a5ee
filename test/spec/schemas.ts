// Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1) over the spec's own schemas. The whole
// spec is registered as one schema document, so `#/components/...` refs resolve as they do in
// openapi.yaml; OpenAPI's top-level fields are declared as (ignored) vocabulary.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { spec } from './openapi.js';

const SPEC_ID = 'https://99digital-client.test/openapi.yaml';

export function createSpecAjv(): Ajv2020 {
  // allowUnionTypes: the spec's few `type: [string, number]` lists (template values, option values).
  // strictRequired off: NotEmpty's anyOf branches name properties that MessageFields, beside it in an allOf, defines.
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, strictRequired: false });
  formats.default(ajv);
  // Keywords that appear in openapi.yaml outside any schema, or inside schemas as OpenAPI annotations.
  // x-enum-varnames names the response's message_type numbers (0 incoming ... 3 template).
  ajv.addVocabulary([
    'openapi',
    'info',
    'servers',
    'tags',
    'security',
    'paths',
    'components',
    'example',
    'x-enum-varnames',
    'x-error-hint',
  ]);
  ajv.addSchema({ ...spec, $id: SPEC_ID });
  return ajv;
}

const shared = createSpecAjv();

/** A validator for the schema at a JSON pointer into openapi.yaml, e.g. `#/components/schemas/Message`. */
export function validatorFor(pointer: string): ValidateFunction {
  const id = `${SPEC_ID}${pointer}`;
  return shared.getSchema(id) ?? shared.compile({ $ref: id });
}

export function formatErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}
