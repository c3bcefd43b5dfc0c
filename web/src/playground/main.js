// The offline GraphQL playground: GraphiQL bundled into the binary, talking
// to the same-origin /graphql endpoint. Example queries for the main
// questions are preloaded as tabs and offered in a drop-down; ?query= (and
// ?variables=) open a given query, as the explorer's "open in playground"
// link does.
import { createElement as h, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { useEditorContext } from '@graphiql/react';
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

// The examples drop-down, in GraphiQL's logo slot: picking one switches to
// its preloaded tab, or (if that tab was closed or edited) puts its query
// into the current tab.
function Examples() {
  const ed = useEditorContext({ nonNull: true });
  const open = (ex) => {
    const i = ed.tabs.findIndex((t) => t.query === ex.query);
    if (i >= 0) {
      ed.changeTab(i);
      return;
    }
    ed.queryEditor?.setValue(ex.query);
    ed.variableEditor?.setValue('');
    const name = /\b(?:query|mutation)\s+(\w+)/.exec(ex.query)?.[1];
    if (name) ed.setOperationName(name);
  };
  return h(
    'select',
    {
      id: 'examples',
      'aria-label': '示例查询 Example queries',
      value: '',
      onChange: (e) => {
        const ex = EXAMPLES[Number(e.target.value)];
        if (ex) open(ex);
      },
    },
    h('option', { value: '' }, '示例查询 Examples…'),
    ...EXAMPLES.map((ex, i) => h('option', { key: i, value: String(i) }, ex.title)),
  );
}

function Playground() {
  return h(
    'div',
    { className: 'pg' },
    h(
      'header',
      { className: 'pg-bar' },
      h('a', { href: '/explore', className: 'pg-brand' }, '闵行科创知识图谱 ', h('small', null, 'Minhang KG')),
      h('span', { className: 'pg-title' }, 'GraphQL 查询台 Playground'),
    ),
    h(
      'div',
      { className: 'pg-main' },
      h(
        GraphiQL,
        {
          fetcher,
          // A query from the URL opens first, beside the examples (or in a
          // new tab when tabs were kept from an earlier visit).
          defaultTabs: [
            ...(initialQuery ? [{ query: initialQuery, variables: initialVariables }] : []),
            ...EXAMPLES.map((ex) => ({ query: ex.query })),
          ],
          query: initialQuery,
          variables: initialVariables,
          defaultEditorToolsVisibility: Boolean(initialVariables),
          shouldPersistHeaders: false,
        },
        h(GraphiQL.Logo, null, h(Examples)),
      ),
    ),
  );
}

createRoot(document.getElementById('graphiql')).render(h(StrictMode, null, h(Playground)));
