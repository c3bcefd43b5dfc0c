// Source text helpers. Evidence offsets are rune (Unicode code point)
// offsets, not UTF-16 indexes, so text is handled as arrays of code points.

/**
 * Returns the paragraph (line) of `text` holding the rune span
 * [start, end), split into the part before the quote, the quote and the
 * part after, or null when the span does not fit the text.
 */
export function paragraphAround(text, start, end) {
  const runes = Array.from(text);
  if (!(Number.isInteger(start) && Number.isInteger(end)) || start < 0 || end > runes.length || start > end) {
    return null;
  }
  let from = start;
  while (from > 0 && runes[from - 1] !== '\n') from--;
  let to = end;
  while (to < runes.length && runes[to] !== '\n') to++;
  return {
    before: runes.slice(from, start).join(''),
    quote: runes.slice(start, end).join(''),
    after: runes.slice(end, to).join(''),
    paragraphStart: from,
    paragraphEnd: to,
  };
}

/**
 * Like paragraphAround, but checks that the text at the offsets is the
 * quote; if not (the document changed), falls back to the quote's first
 * occurrence. Returns null if the quote is not in the text at all.
 */
export function locateQuote(text, quote, start, end) {
  const p = paragraphAround(text, start, end);
  if (p && p.quote === quote) return p;
  const i = text.indexOf(quote);
  if (i < 0) return null;
  const s = Array.from(text.slice(0, i)).length;
  return paragraphAround(text, s, s + Array.from(quote).length);
}
