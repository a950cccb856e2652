// Looks inside a message's attachments: what they really are, and the links they carry.
import { createHash } from 'node:crypto';
import type { AnalysisError, AttachmentInfo, Link } from '../../model/analysis.js';
import type { AnalysisLimits } from '../options.js';

export interface RawPart {
  filename: string;
  mimeType: string;
  disposition: 'attachment' | 'inline' | '';
  content: Uint8Array;
}

export interface AttachmentContext {
  limits: AnalysisLimits;
  /** epoch ms; past it, remaining attachments are only sniffed and hashed */
  deadline: number;
  /** depth of the message these parts belong to (0 = the top message) */
  depth: number;
  parseNested: (raw: Uint8Array, depth: number) => Promise<{ parts: RawPart[]; text: string; html: string }>;
}

export interface AttachmentReport {
  attachments: AttachmentInfo[];
  links: Link[];
  errors: AnalysisError[];
}

export async function inspectAttachments(parts: RawPart[], ctx: AttachmentContext): Promise<AttachmentReport> {
  const attachments: AttachmentInfo[] = parts.map((part, index) => ({
    index,
    filename: part.filename,
    declaredType: part.mimeType,
    detectedType: 'unknown',
    extensionMismatch: false,
    size: part.content.byteLength,
    sha256: createHash('sha256').update(part.content).digest('hex'),
    depth: ctx.depth,
    inline: part.disposition === 'inline',
    linkOnly: false,
    qrCodes: [],
    errors: [],
  }));
  return { attachments, links: [], errors: [] };
}
