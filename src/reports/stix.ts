// Indicators of an incident as a STIX 2.1 bundle, checked against the STIX 2.1 schema subset before it leaves.
import { createHash } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { IncidentRecord, Indicator, Tlp } from '../incidents/record.js';
import { STIX_SCHEMA } from './stix-schema.js';

/** The TLP 1.0 marking definitions predefined by the STIX 2.1 specification (section 7.2.1.4). */
const TLP_MARKINGS: Record<'white' | 'green' | 'amber' | 'red', string> = {
  white: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  green: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  amber: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  red: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
};
/** TLP 2.0 names onto the markings STIX 2.1 predefines: CLEAR is WHITE; AMBER+STRICT travels as AMBER, said in the description. */
const TLP_OF: Record<Tlp, keyof typeof TLP_MARKINGS> = { clear: 'white', green: 'green', amber: 'amber', 'amber+strict': 'amber', red: 'red' };

/** A name-based UUID (version 5 layout over sha1), so the same incident exports the same ids every time. */
export function stixId(type: string, ...parts: string[]): string {
  const h = createHash('sha1').update(`kizuki|${type}|${parts.join('|')}`).digest('hex');
  const variant = ((Number.parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${type}--${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function stixPattern(ind: Indicator): string {
  const v = quote(ind.value);
  switch (ind.type) {
    case 'email-address':
      return `[email-addr:value = ${v}]`;
    case 'domain':
      return `[domain-name:value = ${v}]`;
    case 'url':
      return `[url:value = ${v}]`;
    case 'ipv4':
      return `[ipv4-addr:value = ${v}]`;
    case 'ipv6':
      return `[ipv6-addr:value = ${v}]`;
    case 'sha256':
      return `[file:hashes.'SHA-256' = ${v}]`;
    case 'message-id':
      return `[email-message:message_id = ${v}]`;
    case 'subject':
      return `[email-message:subject = ${v}]`;
  }
}

/** STIX wants created and modified with milliseconds. */
function millis(iso: string): string {
  return new Date(iso).toISOString();
}

export interface StixOptions {
  /** the organisation that publishes the indicators */
  orgName?: string;
}

export function stixBundle(record: IncidentRecord, options: StixOptions = {}): Record<string, unknown> {
  const org = options.orgName || 'Kizuki';
  const identity = {
    type: 'identity',
    spec_version: '2.1',
    id: stixId('identity', org),
    created: millis(record.times.detectedAt),
    modified: millis(record.times.detectedAt),
    name: org,
    identity_class: 'organization',
  };
  const used = new Set<keyof typeof TLP_MARKINGS>();
  const indicators = record.indicators.map((ind) => {
    const tlp = TLP_OF[ind.tlp];
    used.add(tlp);
    const description = [ind.note, ind.tlp === 'amber+strict' ? 'TLP:AMBER+STRICT — share within your organisation only.' : ''].filter(Boolean).join(' ');
    const out: Record<string, unknown> = {
      type: 'indicator',
      spec_version: '2.1',
      id: stixId('indicator', record.incidentId, ind.type, ind.value),
      created_by_ref: identity.id,
      created: millis(ind.firstSeen),
      modified: millis([record.updatedAt, ind.lastSeen].sort()[1] ?? ind.lastSeen),
      name: `${ind.type}: ${ind.value}`,
      indicator_types: ['malicious-activity'],
      pattern: stixPattern(ind),
      pattern_type: 'stix',
      pattern_version: '2.1',
      valid_from: millis(ind.firstSeen),
      object_marking_refs: [TLP_MARKINGS[tlp]],
      external_references: [{ source_name: 'kizuki-incident', external_id: record.incidentId }],
    };
    if (description) out.description = description;
    return out;
  });
  const markings = [...used].sort().map((tlp) => ({
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP_MARKINGS[tlp],
    created: '2017-01-20T00:00:00.000Z',
    name: `TLP:${tlp.toUpperCase()}`,
    definition_type: 'tlp',
    definition: { tlp },
  }));
  const bundle = { type: 'bundle', id: stixId('bundle', record.incidentId, record.updatedAt), objects: [identity, ...markings, ...indicators] };
  const errors = validateStix(bundle);
  if (errors.length > 0) throw new Error(`the STIX bundle for ${record.incidentId} does not validate: ${errors.slice(0, 3).join('; ')}`);
  return bundle;
}

let validator: ReturnType<Ajv2020['compile']> | undefined;

/** Schema errors of a bundle, as "path: message" lines; empty when it is valid. */
export function validateStix(bundle: unknown): string[] {
  validator ??= new Ajv2020({ allErrors: true, strict: false }).compile(STIX_SCHEMA);
  if (validator(bundle)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
}
