// The part of the STIX 2.1 JSON schemas (OASIS cti-stix2-json-schemas: common/core, bundle, sdos/indicator,
// sdos/identity, common/marking-definition) that Kizuki's export uses, written from the specification as one JSON
// Schema (draft 2020-12). src/reports/stix.ts validates every bundle against it before it is written out.
const identifier = { type: 'string', pattern: '^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$' };
// RFC 3339 in UTC with a 'Z'; created and modified must carry milliseconds
const timestamp = { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?Z$' };
const timestampMillis = { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)\\.[0-9]{3}Z$' };
const refTo = (type: string) => ({ allOf: [identifier, { pattern: `^${type}--` }] });
const nonEmptyStrings = { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 };

const common = {
  type: 'object',
  required: ['type', 'spec_version', 'id', 'created', 'modified'],
  properties: {
    type: { type: 'string', pattern: '^([a-z][a-z0-9]*)+(-[a-z0-9]+)*-?$', minLength: 3, maxLength: 250 },
    spec_version: { const: '2.1' },
    id: identifier,
    created_by_ref: refTo('identity'),
    created: timestampMillis,
    modified: timestampMillis,
    revoked: { type: 'boolean' },
    labels: nonEmptyStrings,
    confidence: { type: 'integer', minimum: 0, maximum: 100 },
    lang: { type: 'string' },
    external_references: { type: 'array', minItems: 1, items: { type: 'object', required: ['source_name'], properties: { source_name: { type: 'string' }, description: { type: 'string' }, url: { type: 'string' }, external_id: { type: 'string' } } } },
    object_marking_refs: { type: 'array', minItems: 1, items: refTo('marking-definition') },
  },
};

export const STIX_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://kizuki.invalid/schemas/stix-2.1-subset.json',
  type: 'object',
  required: ['type', 'id', 'objects'],
  additionalProperties: false,
  properties: {
    type: { const: 'bundle' },
    id: refTo('bundle'),
    objects: { type: 'array', minItems: 1, items: { $ref: '#/$defs/object' } },
  },
  $defs: {
    object: {
      type: 'object',
      required: ['type'],
      oneOf: [{ $ref: '#/$defs/indicator' }, { $ref: '#/$defs/identity' }, { $ref: '#/$defs/marking-definition' }],
    },
    indicator: {
      allOf: [
        common,
        {
          required: ['pattern', 'pattern_type', 'valid_from'],
          properties: {
            type: { const: 'indicator' },
            id: refTo('indicator'),
            name: { type: 'string' },
            description: { type: 'string' },
            indicator_types: nonEmptyStrings,
            pattern: { type: 'string', minLength: 1 },
            pattern_type: { type: 'string', minLength: 1 },
            pattern_version: { type: 'string' },
            valid_from: timestamp,
            valid_until: timestamp,
            kill_chain_phases: { type: 'array', minItems: 1 },
          },
        },
      ],
    },
    identity: {
      allOf: [
        common,
        {
          required: ['name'],
          properties: {
            type: { const: 'identity' },
            id: refTo('identity'),
            name: { type: 'string', minLength: 1 },
            description: { type: 'string' },
            roles: nonEmptyStrings,
            identity_class: { type: 'string' },
            sectors: nonEmptyStrings,
            contact_information: { type: 'string' },
          },
        },
      ],
    },
    'marking-definition': {
      type: 'object',
      required: ['type', 'spec_version', 'id', 'created', 'definition_type', 'definition'],
      properties: {
        type: { const: 'marking-definition' },
        spec_version: { const: '2.1' },
        id: refTo('marking-definition'),
        created: timestampMillis,
        name: { type: 'string' },
        definition_type: { enum: ['statement', 'tlp'] },
        definition: { type: 'object' },
      },
      oneOf: [
        { properties: { definition_type: { const: 'tlp' }, definition: { type: 'object', required: ['tlp'], properties: { tlp: { enum: ['white', 'green', 'amber', 'red'] } }, additionalProperties: false } } },
        { properties: { definition_type: { const: 'statement' }, definition: { type: 'object', required: ['statement'], properties: { statement: { type: 'string' } } } } },
      ],
    },
  },
} as const;
