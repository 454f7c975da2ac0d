import { ScimError } from './scimError';

/*
 * SCIM filter parser (RFC 7644 §3.4.2.2). seatd parses filters itself rather than with scimmy's
 * Filter: scimmy 1.3.5 rewrites `not (a or b)` as `not a or not b` (wrong by De Morgan), cannot
 * parse a `not (…)` nested inside a group, and changes the case of attribute names. The grammar is
 * small; precedence is not > and > or, with parentheses and value paths (`emails[type eq "work"]`).
 */

export type FilterValue = string | number | boolean | null;
export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; expr: FilterNode }
  | { kind: 'compare'; path: string; op: CompareOp; value: FilterValue }
  | { kind: 'present'; path: string }
  | { kind: 'valuePath'; path: string; filter: FilterNode };

type Token = { type: 'word' | 'string' | 'lparen' | 'rparen' | 'lbracket' | 'rbracket'; text: string; value?: FilterValue };

const OPS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

function invalid(message: string): ScimError {
  return new ScimError(400, 'invalidFilter', message);
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ type: ({ '(': 'lparen', ')': 'rparen', '[': 'lbracket', ']': 'rbracket' } as const)[c], text: c });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      let raw = '"';
      while (j < input.length && input[j] !== '"') {
        if (input[j] === '\\') raw += input[j++];
        raw += input[j++];
      }
      if (j >= input.length) throw invalid('A string in the filter is not closed');
      raw += '"';
      try {
        tokens.push({ type: 'string', text: raw, value: JSON.parse(raw) as string });
      } catch {
        throw invalid(`Bad string in the filter: ${raw}`);
      }
      i = j + 1;
    } else {
      let j = i;
      while (j < input.length && !/[\s()[\]"]/.test(input[j]!)) j++;
      tokens.push({ type: 'word', text: input.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.or();
    if (this.peek()) throw invalid(`Unexpected "${this.peek()!.text}" in the filter`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }
  private next(): Token {
    const t = this.tokens[this.pos++];
    if (!t) throw invalid('The filter ends too early');
    return t;
  }
  private keyword(word: string): boolean {
    const t = this.peek();
    if (t?.type === 'word' && t.text.toLowerCase() === word) {
      this.pos++;
      return true;
    }
    return false;
  }

  private or(): FilterNode {
    let left = this.and();
    while (this.keyword('or')) left = { kind: 'or', left, right: this.and() };
    return left;
  }
  private and(): FilterNode {
    let left = this.unary();
    while (this.keyword('and')) left = { kind: 'and', left, right: this.unary() };
    return left;
  }
  private unary(): FilterNode {
    if (this.keyword('not')) {
      if (this.next().type !== 'lparen') throw invalid('"not" must be followed by "("');
      const expr = this.or();
      if (this.next().type !== 'rparen') throw invalid('A "(" is not closed');
      return { kind: 'not', expr };
    }
    if (this.peek()?.type === 'lparen') {
      this.pos++;
      const expr = this.or();
      if (this.next().type !== 'rparen') throw invalid('A "(" is not closed');
      return expr;
    }
    return this.attribute();
  }
  private attribute(): FilterNode {
    const attr = this.next();
    if (attr.type !== 'word' || !/^[A-Za-z][\w:.$-]*$/.test(attr.text)) throw invalid(`Expected an attribute name, found "${attr.text}"`);
    const path = attr.text;
    if (this.peek()?.type === 'lbracket') {
      this.pos++;
      const filter = this.or();
      if (this.next().type !== 'rbracket') throw invalid('A "[" is not closed');
      return { kind: 'valuePath', path, filter };
    }
    const op = this.next();
    const opText = op.text.toLowerCase();
    if (op.type === 'word' && opText === 'pr') return { kind: 'present', path };
    if (op.type !== 'word' || !OPS.has(opText)) throw invalid(`Unknown operator "${op.text}"`);
    const value = this.next();
    return { kind: 'compare', path, op: opText as CompareOp, value: literal(value) };
  }
}

function literal(t: Token): FilterValue {
  if (t.type === 'string') return t.value as string;
  if (t.type === 'word') {
    const w = t.text.toLowerCase();
    if (w === 'true') return true;
    if (w === 'false') return false;
    if (w === 'null') return null;
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(t.text)) return Number(t.text);
  }
  throw invalid(`Expected a value (string, number, true, false or null), found "${t.text}"`);
}

export function parseFilter(input: string): FilterNode {
  if (!input.trim()) throw invalid('The filter is empty');
  if (input.length > 2000) throw invalid('The filter is too long');
  return new Parser(tokenize(input)).parse();
}
