/**
 * Parse JSON text like `JSON.parse`, but reject an object that names the same key twice (the
 * safetensors format forbids duplicate keys, and `JSON.parse` silently keeps the last one).
 * Throws a plain `SyntaxError` naming the position; callers wrap it in their typed error.
 */
export function parseJsonStrict(text: string): unknown {
  let pos = 0;
  const ws = /[ \t\n\r]*/y;
  const str = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
  const num = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${pos}`);
  };
  const skip = () => {
    ws.lastIndex = pos;
    ws.exec(text);
    pos = ws.lastIndex;
  };
  const token = (re: RegExp): string | undefined => {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    pos = re.lastIndex;
    return m[0];
  };
  const value = (): unknown => {
    skip();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const out: Record<string, unknown> = {};
      const seen = new Set<string>();
      skip();
      if (text[pos] === '}') {
        pos++;
        return out;
      }
      for (;;) {
        skip();
        const raw = token(str) ?? fail('expected a string key');
        const key = JSON.parse(raw) as string;
        if (seen.has(key)) fail(`duplicate key ${raw}`);
        seen.add(key);
        skip();
        if (text[pos++] !== ':') fail('expected ":"');
        // defineProperty: a key such as "__proto__" stays a plain own property.
        Object.defineProperty(out, key, { value: value(), enumerable: true, writable: true, configurable: true });
        skip();
        const sep = text[pos++];
        if (sep === '}') return out;
        if (sep !== ',') fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      pos++;
      const out: unknown[] = [];
      skip();
      if (text[pos] === ']') {
        pos++;
        return out;
      }
      for (;;) {
        out.push(value());
        skip();
        const sep = text[pos++];
        if (sep === ']') return out;
        if (sep !== ',') fail('expected "," or "]"');
      }
    }
    if (c === '"') return JSON.parse(token(str) ?? fail('invalid string'));
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return v;
      }
    }
    return Number(token(num) ?? fail('unexpected character'));
  };
  const result = value();
  skip();
  if (pos !== text.length) fail('unexpected text after the JSON value');
  return result;
}
