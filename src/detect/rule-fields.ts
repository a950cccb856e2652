// Which fields of the view a compiled rule may read, from its CEL syntax tree (@marcbachmann/cel-js).
// Used to leave the message's whole body text out of what a worker sends back when no rule reads it: that text was
// about a third of a lean result's bytes (11.1 KB on average over the 1,000-file comparison set, 7.8 KB without it).
// The answer errs towards "reads": a field is only counted as unread when the tree cannot reach it.

/** The view fields holding the whole body text (msg.text, msg.textFolded). */
export const BODY_TEXT_FIELDS: ReadonlySet<string> = new Set(['text', 'textFolded']);

interface AstNode {
  op: string;
  args: unknown;
}

const isNode = (value: unknown): value is AstNode => typeof value === 'object' && value !== null && typeof (value as { op?: unknown }).op === 'string';

/**
 * True when an expression may read one of `fields` of `msg`: it selects a field of that name on anything (a link's
 * `text` counts too: without types the tree cannot tell them apart), indexes anything with that name or with a
 * computed key, or uses `msg` whole (compared, passed to a function, put in a list).
 */
export function expressionReads(ast: unknown, fields: ReadonlySet<string>): boolean {
  const visit = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.some(visit);
    if (!isNode(value)) return false;
    const { op, args } = value;
    if (op === 'id') return args === 'msg';
    if (op === 'value') return false;
    if ((op === '.' || op === '.?') && Array.isArray(args)) {
      const [target, field] = args as [unknown, unknown];
      if (typeof field !== 'string' || fields.has(field)) return true;
      return isMsg(target) ? false : visit(target);
    }
    if ((op === '[]' || op === '[?]') && Array.isArray(args)) {
      const [target, key] = args as [unknown, unknown];
      if (!isNode(key) || key.op !== 'value') return true;
      if (typeof key.args === 'string' && fields.has(key.args)) return true;
      return isMsg(target) ? false : visit(target);
    }
    return visit(args);
  };
  return visit(ast);
}

function isMsg(node: unknown): boolean {
  return isNode(node) && node.op === 'id' && node.args === 'msg';
}
