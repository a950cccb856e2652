// The message a bounce returns: its headers, from the report's message/rfc822 or
// text/rfc822-headers part. A bounce of a lure sent in the user's name is a takeover sign, and
// these headers are how detection and the takeover engine see which message bounced.
import type { ReturnedMessage } from '../model/analysis.js';
import type { RawPart } from './attachments/index.js';
import { addressesOf, decodeHeaderValue, emptyAddress, findHeaderBounds, firstRaw, isoDate, messageIds, parseAddressList, readRawHeaders } from './headers.js';

const RETURNED_TYPES = new Set(['message/rfc822', 'text/rfc822-headers', 'message/rfc822-headers', 'message/global', 'message/global-headers']);

/** Headers of the first returned-message part, or undefined when the report carries none. */
export function returnedMessageOf(parts: RawPart[]): ReturnedMessage | undefined {
  const part = parts.find((candidate) => RETURNED_TYPES.has(candidate.mimeType));
  if (!part) return undefined;
  const { fields } = readRawHeaders(part.content, findHeaderBounds(part.content), 500);
  if (fields.length === 0) return undefined;
  const from = parseAddressList(firstRaw(fields, 'from'));
  return {
    from: from.find((address) => address.address) ?? from[0] ?? emptyAddress(),
    to: addressesOf(fields, 'to'),
    subject: decodeHeaderValue(firstRaw(fields, 'subject')),
    messageId: messageIds(firstRaw(fields, 'message-id'))[0] ?? '',
    date: isoDate(firstRaw(fields, 'date')),
  };
}
