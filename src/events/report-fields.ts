// Reads the "Name: value" field blocks of RFC 3464 delivery-status and RFC 5965 feedback-report
// parts (and plain header blocks). Blocks are separated by blank lines; continuation lines fold.

export type FieldBlock = Map<string, string[]>;

/** Split text into blocks of fields; names are lower-cased, values unfolded and trimmed. */
export function readFieldBlocks(text: string): FieldBlock[] {
  const blocks: FieldBlock[] = [];
  let current: FieldBlock = new Map();
  let lastName = '';
  const flush = () => {
    if (current.size > 0) blocks.push(current);
    current = new Map();
    lastName = '';
  };
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (/^[ \t]/.test(line) && lastName) {
      const values = current.get(lastName);
      if (values && values.length > 0) values[values.length - 1] = `${values[values.length - 1]} ${line.trim()}`;
      continue;
    }
    const match = /^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (!match) continue;
    lastName = (match[1] ?? '').toLowerCase();
    const values = current.get(lastName) ?? [];
    values.push((match[2] ?? '').trim());
    current.set(lastName, values);
  }
  flush();
  return blocks;
}

export function firstField(block: FieldBlock | undefined, name: string): string | undefined {
  const value = block?.get(name)?.[0];
  return value === undefined || value === '' ? undefined : value;
}

/** Strip an RFC 3464 address-type or MTA-name-type prefix ("rfc822;", "dns;") and angle brackets. */
export function stripTypePrefix(value: string): string {
  return value
    .replace(/^[A-Za-z0-9-]+\s*;\s*/, '')
    .replace(/^<|>$/g, '')
    .trim();
}
