import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paragraphAround, locateQuote } from './text.js';

const text = '一、总体\n与上海交大、华东师大等高校共同推进“大零号湾”建设。𠀀后文\n三、其他';

test('paragraphAround splits the line around a rune span', () => {
  const start = Array.from('一、总体\n与').length;
  const quote = '上海交大';
  const p = paragraphAround(text, start, start + 4);
  assert.equal(p.quote, quote);
  assert.equal(p.before, '与');
  assert.equal(p.after, '、华东师大等高校共同推进“大零号湾”建设。𠀀后文');
});

test('offsets count code points, not UTF-16 units', () => {
  const runes = Array.from(text);
  const start = runes.indexOf('后');
  const p = paragraphAround(text, start, start + 2);
  assert.equal(p.quote, '后文');
  assert.ok(p.before.endsWith('𠀀'));
});

test('out of range spans give null', () => {
  assert.equal(paragraphAround(text, -1, 2), null);
  assert.equal(paragraphAround(text, 3, 2), null);
  assert.equal(paragraphAround(text, 0, 1000), null);
});

test('locateQuote falls back to searching the quote', () => {
  const p = locateQuote(text, '华东师大', 0, 4);
  assert.equal(p.quote, '华东师大');
  assert.equal(p.before, '与上海交大、');
  assert.equal(locateQuote(text, '不存在', 0, 3), null);
});
