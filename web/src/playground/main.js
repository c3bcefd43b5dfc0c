// The offline GraphQL playground: GraphiQL bundled into the binary, talking
// to the same-origin /graphql endpoint. Example queries for the main
// questions are preloaded as tabs and offered in a drop-down; ?query= (and
// ?variables=) open a given query, as the explorer's "open in playground"
// link does.
import { createElement as h, StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import './style.css';
import { EXAMPLES } from '../lib/queries.js';

async function fetcher(params, opts) {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(opts?.headers || {}) },
    body: JSON.stringify(params),
  });
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: `HTTP ${res.status}: ${text.slice(0, 200)}` }] };
  }
}

const params = new URLSearchParams(window.location.search);
const initialQuery = params.get('query') || undefined;
const initialVariables = params.get('variables') || undefined;

function Playground() {
  const [query, setQuery] = useState(initialQuery);
  const [variables, setVariables] = useState(initialVariables);
  const examples = h(
    'select',
    {
      id: 'examples',
      'aria-label': '示例查询 Example queries',
      value: '',
      onChange: (e) => {
        const ex = EXAMPLES[Number(e.target.value)];
        if (ex) {
          setQuery(ex.query);
          setVariables('');
        }
      },
    },
    h('option', { value: '' }, '示例查询 Examples…'),
    ...EXAMPLES.map((ex, i) => h('option', { key: i, value: String(i) }, ex.title)),
  );
  return h(
    'div',
    { className: 'pg' },
    h(
      'header',
      { className: 'pg-bar' },
      h('a', { href: '/explore', className: 'pg-brand' }, '闵行科创知识图谱 ', h('small', null, 'Minhang KG')),
      h('span', { className: 'pg-title' }, 'GraphQL 查询台 Playground'),
      examples,
    ),
    h(
      'div',
      { className: 'pg-main' },
      h(GraphiQL, {
        fetcher,
        // A query from the URL opens first, beside the examples.
        defaultTabs: [
          ...(initialQuery ? [{ query: initialQuery, variables: initialVariables }] : []),
          ...EXAMPLES.map((ex) => ({ query: ex.query })),
        ],
        query,
        variables,
        defaultEditorToolsVisibility: Boolean(variables),
        shouldPersistHeaders: false,
      }),
    ),
  );
}

createRoot(document.getElementById('graphiql')).render(h(StrictMode, null, h(Playground)));
