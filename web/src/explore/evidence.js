// Evidence and kind badges for the side panel: each quote is shown
// highlighted inside its paragraph of the source document.
import { gql } from '../lib/api.js';
import { kindInfo } from '../lib/kinds.js';
import { locateQuote } from '../lib/text.js';
import * as Q from '../lib/queries.js';
import { el } from './dom.js';

// The texts of the loaded documents, fetched once on first use.
let documentsPromise = null;
function documents() {
  documentsPromise ??= gql(Q.DOCUMENTS).then((d) => new Map(d.documents.map((x) => [x.id, x])));
  return documentsPromise;
}

const CONTEXT_CHARS = 80;

/** Renders one evidence item: the quote highlighted inside its paragraph. */
export function evidenceView(ev) {
  const fig = el('figure', { class: 'evidence' });
  const para = el('p', { class: 'para' }, el('mark', {}, ev.quote || ev.url || ''));
  const cap = el(
    'figcaption',
    {},
    [ev.section, ev.document, ev.quote ? `[${ev.start}, ${ev.end})` : null].filter(Boolean).join(' · '),
    ev.url ? [' · ', el('span', { class: 'url' }, ev.url)] : null,
    ev.note ? ` · ${ev.note}` : null,
  );
  fig.append(para, cap);
  if (!ev.quote || !ev.document) return fig;
  documents()
    .then((docs) => {
      const doc = docs.get(ev.document);
      if (!doc) return;
      const p = locateQuote(doc.text, ev.quote, ev.start, ev.end);
      if (!p) return;
      const long = p.before.length > CONTEXT_CHARS || p.after.length > CONTEXT_CHARS;
      const render = (full) => {
        const before = full || p.before.length <= CONTEXT_CHARS ? p.before : `…${Array.from(p.before).slice(-CONTEXT_CHARS).join('')}`;
        const after = full || p.after.length <= CONTEXT_CHARS ? p.after : `${Array.from(p.after).slice(0, CONTEXT_CHARS).join('')}…`;
        para.replaceChildren(before, el('mark', {}, p.quote), after);
        if (long) {
          para.append(
            ' ',
            el(
              'button',
              { type: 'button', class: 'linkish', onclick: () => render(!full) },
              full ? '收起 less' : '全段 whole paragraph',
            ),
          );
        }
      };
      render(false);
      fig.title = doc.title;
    })
    .catch(() => {});
  return fig;
}

export function kindBadge(kind) {
  const k = kindInfo(kind);
  return el('span', { class: 'badge', style: `background:${k.color}`, title: k.id }, `${k.zh} ${k.en}`);
}
