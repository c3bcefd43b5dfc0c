import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import * as Q from './queries.js';

// The GraphQL documents the explorer and the playground send must be valid
// against the API's schema (schema/*.graphqls), so a contract change shows
// up here rather than in a browser.
const schemaDir = join(import.meta.dirname, '..', '..', '..', 'schema');
const sdl = readdirSync(schemaDir)
  .filter((f) => f.endsWith('.graphqls'))
  .sort()
  .map((f) => readFileSync(join(schemaDir, f), 'utf8'))
  .join('\n');
const schema = buildSchema(sdl);

const documents = Object.entries(Q)
  .filter(([, v]) => typeof v === 'string')
  .concat([[`partnersAmong(${Q.PARTNERS_AMONG_CHUNK})`, Q.partnersAmong(Q.PARTNERS_AMONG_CHUNK)], ['partnersAmong(1)', Q.partnersAmong(1)]])
  .concat(Q.EXAMPLES.map((ex) => [`example: ${ex.title}`, ex.query]));

for (const [name, doc] of documents) {
  test(`${name} is valid against the schema`, () => {
    const errors = validate(schema, parse(doc));
    assert.deepEqual(errors.map((e) => e.message), []);
  });
}

test('there are examples for the main questions', () => {
  assert.ok(Q.EXAMPLES.length >= 6);
  for (const ex of Q.EXAMPLES) assert.match(ex.query, /\b(query)\s+\w+/, `${ex.title} is a named query`);
});

test('playgroundURL carries the query and the variables', () => {
  const u = new URL(Q.playgroundURL(Q.ENTITY, { id: 'org/sjtu' }), 'http://localhost');
  assert.equal(u.pathname, '/playground');
  assert.equal(u.searchParams.get('query'), Q.ENTITY);
  assert.deepEqual(JSON.parse(u.searchParams.get('variables')), { id: 'org/sjtu' });
  assert.equal(new URL(Q.playgroundURL('{ stats { entities } }'), 'http://localhost').searchParams.has('variables'), false);
});
