// Minhang KG explorer: search, neighbourhood graph (cytoscape + fcose),
// partners and path views, evidence highlighted in its source paragraph.
// The URL holds the view (?focus=ID, ?mode=partners&focus=ID,
// ?mode=path&from=A&to=B, plus lang, expand, sel), so a link restores it.
import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import './style.css';
import { gql } from '../lib/api.js';
import { KINDS, kindInfo } from '../lib/kinds.js';
import * as Q from '../lib/queries.js';
import { $, el } from './dom.js';
import { evidenceView, kindBadge } from './evidence.js';
import { stylesheet } from './graphstyle.js';

cytoscape.use(fcose);

// ---------- state and URL ----------

const MODES = ['neighbourhood', 'partners', 'path'];
const LARGE = 500; // nodes from which rendering shortcuts switch on

const state = {
  mode: 'neighbourhood',
  focus: null,
  expand: [],
  from: null,
  to: null,
  maxHops: 4,
  lang: 'zh',
  sel: null, // selected node or edge ID
  hiddenKinds: new Set(),
  hiddenPredicates: new Set(),
  query: null, // { query, variables } behind the current view
};

function readURL() {
  const p = new URLSearchParams(window.location.search);
  state.mode = MODES.includes(p.get('mode')) ? p.get('mode') : 'neighbourhood';
  state.focus = p.get('focus');
  state.expand = (p.get('expand') || '').split(',').filter(Boolean);
  state.from = p.get('from');
  state.to = p.get('to');
  state.maxHops = clampInt(p.get('maxHops'), 1, 6, 4);
  state.lang = p.get('lang') === 'en' ? 'en' : 'zh';
  state.sel = p.get('sel');
  state.hiddenKinds = new Set((p.get('hideKinds') || '').split(',').filter(Boolean));
  state.hiddenPredicates = new Set((p.get('hidePredicates') || '').split(',').filter(Boolean));
}

function writeURL(push = false) {
  const p = new URLSearchParams();
  if (state.mode !== 'neighbourhood') p.set('mode', state.mode);
  if (state.mode === 'path') {
    if (state.from) p.set('from', state.from);
    if (state.to) p.set('to', state.to);
    if (state.maxHops !== 4) p.set('maxHops', String(state.maxHops));
  } else if (state.focus) {
    p.set('focus', state.focus);
    if (state.mode === 'neighbourhood' && state.expand.length) p.set('expand', state.expand.join(','));
  }
  if (state.sel) p.set('sel', state.sel);
  if (state.lang === 'en') p.set('lang', 'en');
  if (state.hiddenKinds.size) p.set('hideKinds', [...state.hiddenKinds].join(','));
  if (state.hiddenPredicates.size) p.set('hidePredicates', [...state.hiddenPredicates].join(','));
  const url = `${window.location.pathname}${p.size ? `?${p}` : ''}`;
  if (url !== window.location.pathname + window.location.search) {
    (push ? history.pushState : history.replaceState).call(history, null, '', url);
  }
}

function clampInt(s, lo, hi, dflt) {
  const n = Number.parseInt(s ?? '', 10);
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : dflt;
}

// ---------- reference data: predicates ----------

let predicateInfo = new Map();
const predicatesReady = gql(Q.PREDICATES)
  .then((d) => {
    predicateInfo = new Map(d.predicates.map((p) => [p.id, p]));
  })
  .catch((e) => showError(e));

// ---------- graph ----------

const cy = cytoscape({
  container: $('#cy'),
  minZoom: 0.05,
  maxZoom: 4,
  style: stylesheet(0),
});

function nodeLabel(d) {
  return state.lang === 'en' ? d.nameEn || d.name : d.name;
}

function edgeLabel(d) {
  if (d.kind === 'partner') return `${d.strength}`;
  return state.lang === 'en' ? d.labelEn || d.label : d.label;
}

function nodeData(e) {
  return {
    id: e.id,
    name: e.name ?? e.label,
    nameEn: e.nameEn ?? e.labelEn ?? '',
    kind: e.kind,
    degree: e.degree ?? 1,
    color: kindInfo(e.kind).color,
  };
}

function edgeData(r) {
  const p = predicateInfo.get(r.predicate);
  return {
    id: r.id,
    source: r.source ?? r.from?.id,
    target: r.target ?? r.to?.id,
    predicate: r.predicate,
    label: r.label ?? p?.label ?? r.predicate,
    labelEn: r.labelEn ?? p?.labelEn ?? r.predicate,
    arrow: p?.symmetric ? 'none' : 'triangle',
    width: 1.5,
  };
}

/** Adds nodes and edges (skipping ones already there) in one batch. */
function addElements(nodes, edges) {
  const added = cy.collection();
  cy.batch(() => {
    for (const n of nodes) {
      if (cy.getElementById(n.id).nonempty()) continue;
      const d = nodeData(n);
      d.display = nodeLabel(d);
      added.merge(cy.add({ group: 'nodes', data: d }));
    }
    for (const e of edges) {
      if (cy.getElementById(e.id).nonempty()) continue;
      const d = e.group === 'raw' ? e.data : edgeData(e);
      if (cy.getElementById(d.source).empty() || cy.getElementById(d.target).empty()) continue;
      d.display = edgeLabel(d);
      added.merge(cy.add({ group: 'edges', data: d, classes: e.classes || '' }));
    }
  });
  return added;
}

function tuneRendering() {
  const n = cy.nodes().length;
  // The best connected nodes keep their labels when zoomed out.
  cy.batch(() => {
    cy.nodes('.hub').removeClass('hub');
    if (n > 120) {
      const hubs = Math.min(20, Math.ceil(n / 40));
      cy.nodes().sort((a, b) => b.data('degree') - a.data('degree')).slice(0, hubs).addClass('hub');
    }
  });
  cy.style(stylesheet(n));
  const r = cy.renderer();
  // Large graphs: draw a texture while panning/zooming, hide edges then.
  if (r && r.textureOnViewport !== undefined) {
    r.textureOnViewport = n > LARGE;
    r.hideEdgesOnViewport = n > 2 * LARGE;
  }
}

let layoutRun = null;
function runLayout({ incremental = false } = {}) {
  layoutRun?.stop();
  const n = cy.nodes(':visible').length;
  if (n === 0) return Promise.resolve();
  tuneRendering();
  layoutRun = cy.elements(':visible').layout({
    name: 'fcose',
    quality: n > 1000 ? 'draft' : 'default',
    randomize: !incremental,
    animate: n <= 300,
    animationDuration: 400,
    fit: true,
    padding: 30,
    nodeDimensionsIncludeLabels: n <= 300,
    nodeRepulsion: () => 6500,
    idealEdgeLength: () => 90,
    numIter: n > 1000 ? 1200 : 2500,
    packComponents: true,
  });
  const done = new Promise((resolve) =>
    layoutRun.one('layoutstop', () => {
      // A handful of nodes would otherwise be blown up to fill the view.
      if (cy.zoom() > 1.4) {
        cy.zoom(1.4);
        cy.center(cy.elements(':visible'));
      }
      resolve();
    }),
  );
  layoutRun.run();
  return done;
}

function relabel() {
  cy.batch(() => {
    cy.nodes().forEach((n) => n.data('display', nodeLabel(n.data())));
    cy.edges().forEach((e) => e.data('display', edgeLabel(e.data())));
  });
}

function markFocus() {
  cy.nodes('.focus').removeClass('focus');
  for (const id of [state.focus, state.from, state.to]) {
    if (id) cy.getElementById(id).addClass('focus');
  }
}

// ---------- filters (legend) ----------

function applyFilters() {
  cy.batch(() => {
    cy.elements().removeClass('hidden');
    cy.nodes().filter((n) => state.hiddenKinds.has(n.data('kind'))).addClass('hidden');
    cy.edges().filter((e) => e.data('predicate') && state.hiddenPredicates.has(e.data('predicate'))).addClass('hidden');
  });
  renderFilters();
  updateStatus();
  updateExportLink();
}

function renderFilters() {
  const kindCounts = new Map();
  cy.nodes().forEach((n) => kindCounts.set(n.data('kind'), (kindCounts.get(n.data('kind')) || 0) + 1));
  const kf = $('#kind-filter');
  kf.replaceChildren(
    ...KINDS.map((k) =>
      el(
        'label',
        { class: `legend-item${kindCounts.get(k.id) ? '' : ' absent'}`, title: k.id },
        el('input', {
          type: 'checkbox',
          checked: !state.hiddenKinds.has(k.id),
          dataset: { kind: k.id },
          onchange: (ev) => {
            if (ev.target.checked) state.hiddenKinds.delete(k.id);
            else state.hiddenKinds.add(k.id);
            applyFilters();
            writeURL();
          },
        }),
        el('span', { class: 'swatch', style: `background:${k.color}` }),
        `${k.zh} ${k.en}`,
        el('span', { class: 'count' }, kindCounts.get(k.id) || 0),
      ),
    ),
  );
  const predCounts = new Map();
  cy.edges().forEach((e) => {
    const p = e.data('predicate');
    if (p) predCounts.set(p, (predCounts.get(p) || 0) + 1);
  });
  const preds = [...predCounts.keys()].sort();
  $('#predicate-filter').replaceChildren(
    ...(preds.length
      ? preds.map((p) => {
          const info = predicateInfo.get(p);
          return el(
            'label',
            { class: 'legend-item', title: p },
            el('input', {
              type: 'checkbox',
              checked: !state.hiddenPredicates.has(p),
              dataset: { predicate: p },
              onchange: (ev) => {
                if (ev.target.checked) state.hiddenPredicates.delete(p);
                else state.hiddenPredicates.add(p);
                applyFilters();
                writeURL();
              },
            }),
            `${info?.label ?? p} ${info?.labelEn ?? ''}`,
            el('span', { class: 'count' }, predCounts.get(p)),
          );
        })
      : [el('p', { class: 'hint' }, '—')]),
  );
}

// ---------- status, errors, links ----------

let statusNote = '';
function updateStatus() {
  const n = cy.nodes(':visible').length;
  const m = cy.edges(':visible').length;
  $('#status').className = '';
  $('#status').textContent = `${n} 个节点 nodes · ${m} 条关系 edges${statusNote ? ` · ${statusNote}` : ''}`;
}

function showError(e) {
  console.error(e);
  const s = $('#status');
  s.className = 'error';
  s.textContent = `出错 Error: ${e.message || e}`;
}

function setQuery(query, variables) {
  state.query = { query, variables };
  $('#playground-link').href = Q.playgroundURL(query, variables);
}

// Points the export menu at the current view: the nodes on screen (or, for
// very large views, the seeds and their neighbourhood).
function updateExportLink() {
  const ids = cy.nodes().map((n) => n.id());
  let sel = '';
  if (ids.length && ids.length <= 200) sel = `?ids=${encodeURIComponent(ids.join(','))}&hops=0`;
  else if (state.focus && state.mode !== 'path') sel = `?ids=${encodeURIComponent([state.focus, ...state.expand].join(','))}&hops=1`;
  document.querySelectorAll('#export-menu a[data-format]').forEach((a) => {
    const f = a.dataset.format;
    a.href = f === 'all' ? '/export/gexf' : `/export/${f}${sel}`;
  });
}

function entityLink(e, onclick) {
  return el(
    'button',
    { type: 'button', class: 'entity-link', title: e.id, onclick: onclick || (() => focusEntity(e.id)) },
    e.name,
    e.nameEn ? el('small', {}, ` ${e.nameEn}`) : null,
  );
}

// ---------- side panel ----------

const panel = $('#panel');
let panelToken = 0;

// loadPanel shows a loading state, runs one query for the side panel and
// returns pick(data), or null when a newer panel request superseded this one,
// the query failed, or the item does not exist (each shown in the panel).
async function loadPanel(query, vars, pick, missing) {
  const token = ++panelToken;
  panel.replaceChildren(el('div', { class: 'loading' }, '加载中… Loading…'));
  let d;
  try {
    d = await gql(query, vars);
  } catch (e) {
    if (token === panelToken) panel.replaceChildren(el('div', { class: 'error' }, `出错 Error: ${e.message}`));
    return null;
  }
  if (token !== panelToken) return null;
  const item = pick(d);
  if (!item) {
    panel.replaceChildren(el('div', { class: 'error' }, missing));
    return null;
  }
  return item;
}

async function showEntity(id) {
  const e = await loadPanel(Q.ENTITY, { id }, (d) => d.entity, `没有该实体 No entity ${id}`);
  if (!e) return;
  const rels = e.relations.nodes;
  panel.replaceChildren(
    el(
      'section',
      { class: 'entity', dataset: { id: e.id } },
      el('h2', {}, e.name),
      e.nameEn ? el('p', { class: 'name-en' }, e.nameEn) : null,
      el('p', { class: 'meta' }, kindBadge(e.kind), ` ${e.id} · 度 degree ${e.degree}`),
      el(
        'div',
        { class: 'actions' },
        el('button', { type: 'button', onclick: () => switchMode('neighbourhood', e.id) }, '邻域 Neighbourhood'),
        el('button', { type: 'button', class: 'to-partners', onclick: () => switchMode('partners', e.id) }, '合作伙伴 Partners'),
        el('button', { type: 'button', onclick: () => setPathEnd('from', e) }, '设为起点 From'),
        el('button', { type: 'button', onclick: () => setPathEnd('to', e) }, '设为终点 To'),
      ),
      e.aliases.length ? el('p', {}, el('b', {}, '别名 Aliases: '), e.aliases.join('、')) : null,
      e.description ? el('p', { class: 'desc' }, e.description) : null,
      e.descriptionEn ? el('p', { class: 'desc en' }, e.descriptionEn) : null,
      e.attributes.length
        ? el(
            'table',
            { class: 'attrs' },
            el('caption', {}, '属性 Attributes'),
            ...e.attributes.map((a) => el('tr', {}, el('th', {}, a.key), el('td', {}, a.value, a.unit ? ` ${a.unit}` : ''))),
          )
        : null,
      e.evidence.length ? el('h3', {}, '出处 Sources') : null,
      ...e.evidence.map(evidenceView),
      el('h3', {}, `关系 Relations (${e.relations.totalCount})`),
      el('ul', { class: 'relations' }, ...rels.map((r) => relationItem(r, e.id))),
    ),
  );
}

function relationItem(r, selfId) {
  const other = r.from.id === selfId ? r.to : r.from;
  const arrow = r.symmetric ? '—' : r.from.id === selfId ? '→' : '←';
  const evWrap = el('div', { class: 'rel-evidence', hidden: true });
  const li = el(
    'li',
    { dataset: { relation: r.id } },
    el(
      'button',
      {
        type: 'button',
        class: 'rel-toggle',
        title: '显示出处 Show evidence',
        onclick: () => {
          if (evWrap.hidden && !evWrap.childElementCount) evWrap.append(...r.evidence.map(evidenceView));
          evWrap.hidden = !evWrap.hidden;
          const edge = cy.getElementById(r.id);
          if (edge.nonempty()) {
            cy.elements(':selected').unselect();
            edge.select();
          }
        },
      },
      `${arrow} ${r.label} ${r.labelEn}`,
    ),
    ' ',
    entityLink(other),
    ' ',
    kindBadge(other.kind),
    evWrap,
  );
  return li;
}

async function showRelation(id) {
  const r = await loadPanel(Q.RELATION, { id }, (d) => d.relation, `没有该关系 No relation ${id}`);
  if (!r) return;
  panel.replaceChildren(
    el(
      'section',
      { class: 'relation', dataset: { id: r.id } },
      el('h2', {}, `${r.label} `, el('small', {}, r.labelEn)),
      el('p', { class: 'triple' }, entityLink(r.from), r.symmetric ? ' — ' : ' → ', entityLink(r.to)),
      el('p', { class: 'meta' }, `${r.predicate} · ${r.id} · ${r.document}${r.inferred ? ' · 推断 inferred' : ''}`),
      el('h3', {}, '出处 Evidence'),
      ...r.evidence.map(evidenceView),
    ),
  );
}

function showPartnership(p, center) {
  ++panelToken;
  panel.replaceChildren(
    el(
      'section',
      { class: 'partnership', dataset: { partner: p.partner.id } },
      el('h2', {}, p.partner.name),
      p.partner.nameEn ? el('p', { class: 'name-en' }, p.partner.nameEn) : null,
      el('p', { class: 'meta' }, kindBadge(p.partner.kind), ` 与 with ${center.name} · 强度 strength ${p.strength}`),
      el(
        'div',
        { class: 'actions' },
        el('button', { type: 'button', onclick: () => showEntity(p.partner.id) }, '详情 Details'),
        el('button', { type: 'button', onclick: () => switchMode('partners', p.partner.id) }, '其合作伙伴 Its partners'),
      ),
      p.via.length ? el('h3', {}, '共同事务 Shared contexts') : null,
      p.via.length ? el('ul', { class: 'via' }, ...p.via.map((v) => el('li', {}, entityLink(v), ' ', kindBadge(v.kind)))) : null,
      el('h3', {}, '依据 Relations'),
      el(
        'ul',
        { class: 'relations' },
        ...p.relations.map((r) =>
          el(
            'li',
            {},
            el('span', {}, `${r.from.name} `, el('b', {}, r.label), ` ${r.to.name}`),
            ...r.evidence.map(evidenceView),
          ),
        ),
      ),
    ),
  );
}

// ---------- views ----------

let loadToken = 0;

async function loadNeighbourhood({ incremental = false } = {}) {
  const token = ++loadToken;
  const ids = [state.focus, ...state.expand];
  const variables = { ids, hops: 1, limit: 300 };
  setQuery(Q.NEIGHBOURHOOD, variables);
  $('#status').textContent = '加载中… Loading…';
  const d = await gql(Q.NEIGHBOURHOOD, variables);
  if (token !== loadToken) return;
  if (!incremental) cy.elements().remove();
  const sg = d.subgraph;
  const added = addElements(sg.nodes, sg.edges.map((e) => ({ ...e })));
  statusNote = sg.truncated ? '已截断 truncated' : '';
  markFocus();
  applyFilters();
  if (cy.nodes().empty()) {
    $('#status').textContent = `没有该实体 No entity ${state.focus}`;
    return;
  }
  if (!incremental || added.nodes().nonempty()) await runLayout({ incremental });
}

async function loadPartners() {
  const token = ++loadToken;
  const variables = { id: state.focus, first: 50 };
  setQuery(Q.PARTNERS, variables);
  $('#status').textContent = '加载中… Loading…';
  const d = await gql(Q.PARTNERS, variables);
  if (token !== loadToken) return;
  cy.elements().remove();
  if (!d.entity) {
    $('#status').textContent = `没有该实体 No entity ${state.focus}`;
    return;
  }
  const center = d.entity;
  const maxStrength = Math.max(1, ...d.partners.map((p) => p.strength));
  partnerships = new Map(d.partners.map((p) => [p.partner.id, p]));
  addElements(
    [center, ...d.partners.map((p) => p.partner)],
    d.partners.map((p) => ({
      group: 'raw',
      classes: 'partner',
      data: {
        id: `partner:${p.partner.id}`,
        source: center.id,
        target: p.partner.id,
        kind: 'partner',
        partner: p.partner.id,
        strength: p.strength,
        width: 1 + (7 * p.strength) / maxStrength,
        arrow: 'none',
      },
    })),
  );
  // Partnerships among the partners themselves make it a network.
  const among = await partnershipsAmong(d.partners.map((p) => p.partner.id));
  if (token !== loadToken) return;
  addElements(
    [],
    among.map(({ a, b, strength }) => ({
      group: 'raw',
      classes: 'partner among',
      data: { id: `partner:${a}|${b}`, source: a, target: b, kind: 'partner', strength, width: 1 + (7 * strength) / maxStrength, arrow: 'none' },
    })),
  );
  statusNote = `${d.partners.length} 个合作伙伴 partners`;
  markFocus();
  applyFilters();
  renderPartnerList(center, d.partners);
  await runLayout();
}

let partnerships = new Map();

/** The partnerships between any two of ids, each once: [{a, b, strength}]. */
async function partnershipsAmong(ids) {
  if (ids.length < 2) return [];
  const set = new Set(ids);
  const out = [];
  // The server bounds aliases per operation; ask in chunks.
  for (let i = 0; i < ids.length; i += Q.PARTNERS_AMONG_CHUNK) {
    const chunk = ids.slice(i, i + Q.PARTNERS_AMONG_CHUNK);
    const d = await gql(Q.partnersAmong(chunk.length), Object.fromEntries(chunk.map((id, j) => [`id${j}`, id])));
    chunk.forEach((id, j) => {
      for (const p of d[`p${j}`]) {
        if (set.has(p.partner.id) && id < p.partner.id) out.push({ a: id, b: p.partner.id, strength: p.strength });
      }
    });
  }
  return out;
}

function renderPartnerList(center, partners) {
  const list = el(
    'ol',
    { class: 'partners' },
    ...partners.map((p) =>
      el(
        'li',
        { dataset: { partner: p.partner.id } },
        el('button', { type: 'button', class: 'entity-link', onclick: () => selectPartner(p.partner.id) }, p.partner.name, p.partner.nameEn ? el('small', {}, ` ${p.partner.nameEn}`) : null),
        ' ',
        kindBadge(p.partner.kind),
        el('span', { class: 'strength', title: '强度 strength' }, ` ×${p.strength}`),
        p.via.length ? el('div', { class: 'via-line' }, '经由 via: ', p.via.map((v) => v.name).join('、')) : null,
      ),
    ),
  );
  ++panelToken;
  panel.replaceChildren(
    el(
      'section',
      { class: 'partners-view' },
      el('h2', {}, `${center.name} 的合作伙伴`),
      el('p', { class: 'name-en' }, `Partners of ${center.nameEn || center.name}`),
      partners.length ? list : el('p', {}, '暂无合作伙伴 No partners found'),
    ),
  );
  centerEntity = center;
}

let centerEntity = null;

function selectPartner(id) {
  const p = partnerships.get(id);
  if (!p) return;
  cy.elements(':selected').unselect();
  cy.getElementById(`partner:${id}`).select();
  state.sel = id;
  writeURL();
  showPartnership(p, centerEntity);
}

let lastPaths = [];

async function loadPaths() {
  const token = ++loadToken;
  cy.elements().remove();
  renderPathPicker();
  if (!state.from || !state.to) {
    statusNote = '';
    applyFilters();
    $('#status').textContent = '请选择起点和终点 Pick the two ends';
    return;
  }
  const variables = { from: state.from, to: state.to, maxHops: state.maxHops, first: 5 };
  setQuery(Q.PATHS, variables);
  $('#status').textContent = '查找中… Searching…';
  const d = await gql(Q.PATHS, variables);
  if (token !== loadToken) return;
  lastPaths = d.paths;
  const nodes = [];
  const edges = [];
  d.paths.forEach((p) => {
    nodes.push(...p.nodes);
    edges.push(...p.relations.map((r) => ({ ...r, classes: 'path' })));
  });
  addElements(nodes, edges);
  if (d.paths.length) {
    const sp = d.paths[0];
    cy.batch(() => {
      sp.relations.forEach((r) => cy.getElementById(r.id).addClass('shortest'));
      sp.nodes.forEach((n) => cy.getElementById(n.id).addClass('shortest'));
    });
  }
  statusNote = d.paths.length ? `${d.paths.length} 条路径 paths，最短 shortest ${d.paths[0].length} 跳 hops` : `${state.maxHops} 跳内无路径 no path within ${state.maxHops} hops`;
  markFocus();
  applyFilters();
  renderPaths(d.paths);
  await runLayout();
}

function renderPaths(paths) {
  ++panelToken;
  panel.replaceChildren(
    el(
      'section',
      { class: 'paths-view' },
      el('h2', {}, '路径 Paths'),
      paths.length ? null : el('p', {}, `${state.maxHops} 跳内没有路径。No path within ${state.maxHops} hops.`),
      ...paths.map((p, i) =>
        el(
          'div',
          { class: `path${i === 0 ? ' shortest' : ''}`, dataset: { index: i } },
          el('h3', {}, `路径 ${i + 1} Path ${i + 1} · ${p.length} 跳 hops`),
          el(
            'ol',
            { class: 'hops' },
            ...p.relations.map((r, j) => {
              const a = p.nodes[j];
              const b = p.nodes[j + 1];
              const forward = r.from.id === a.id;
              const evWrap = el('div', { class: 'rel-evidence', hidden: true });
              return el(
                'li',
                { dataset: { relation: r.id } },
                entityLink(a),
                el(
                  'button',
                  {
                    type: 'button',
                    class: 'rel-toggle',
                    title: '显示出处 Show evidence',
                    onclick: () => {
                      if (!evWrap.childElementCount) evWrap.append(...r.evidence.map(evidenceView));
                      evWrap.hidden = !evWrap.hidden;
                      cy.elements(':selected').unselect();
                      cy.getElementById(r.id).select();
                    },
                  },
                  forward ? ` —${r.label}→ ` : ` ←${r.label}— `,
                ),
                entityLink(b),
                evWrap,
              );
            }),
          ),
        ),
      ),
    ),
  );
}

function renderPathPicker() {
  const picker = $('#path-picker');
  picker.hidden = state.mode !== 'path';
  for (const slot of ['from', 'to']) {
    const v = picker.querySelector(`[data-slot="${slot}"] .slot-value`);
    const id = state[slot];
    v.textContent = id ? (pathNames.get(id) || id) : '—';
    v.title = id || '';
  }
  $('#max-hops').value = String(state.maxHops);
}

const pathNames = new Map();

function setPathEnd(slot, e) {
  pathNames.set(e.id, e.name);
  state[slot] = e.id;
  if (state.mode !== 'path') {
    state.mode = 'path';
    updateModeButtons();
  }
  renderPathPicker();
  writeURL(true);
  if (state.from && state.to) loadView().catch(showError);
}

// ---------- search ----------

let searchToken = 0;

async function search(text) {
  const token = ++searchToken;
  const results = $('#results');
  if (!text.trim()) {
    results.replaceChildren();
    return;
  }
  results.replaceChildren(el('p', { class: 'hint' }, '搜索中… Searching…'));
  let d;
  try {
    d = await gql(Q.SEARCH, { text, first: 20 });
  } catch (e) {
    if (token === searchToken) results.replaceChildren(el('p', { class: 'error' }, `出错 Error: ${e.message}`));
    return;
  }
  if (token !== searchToken) return;
  if (!d.search.length) {
    results.replaceChildren(el('p', { class: 'hint' }, `没有找到“${text}” Nothing found`));
    return;
  }
  results.replaceChildren(
    el('h3', {}, `搜索结果 Results (${d.search.length})`),
    el(
      'ul',
      { class: 'results' },
      ...d.search.map((hit) =>
        el(
          'li',
          {},
          el(
            'button',
            { type: 'button', class: 'result', dataset: { id: hit.entity.id }, onclick: () => pickResult(hit.entity) },
            kindBadge(hit.entity.kind),
            ' ',
            el('span', { class: 'rname' }, hit.entity.name),
            hit.entity.nameEn ? el('small', { class: 'ren' }, hit.entity.nameEn) : null,
            hit.matched && hit.matched !== hit.entity.name ? el('small', { class: 'matched' }, `匹配 matched: ${hit.matched} (${hit.match})`) : null,
          ),
        ),
      ),
    ),
  );
}

function pickResult(e) {
  pathNames.set(e.id, e.name);
  if (state.mode === 'path') {
    const slot = !state.from || (state.from && state.to) ? 'from' : 'to';
    if (slot === 'from' && state.from && state.to) state.to = null;
    setPathEnd(slot, e);
    return;
  }
  focusEntity(e.id);
}

// ---------- navigation ----------

function focusEntity(id) {
  if (state.mode === 'path') state.mode = 'neighbourhood';
  state.focus = id;
  state.expand = [];
  state.sel = id;
  updateModeButtons();
  writeURL(true);
  loadView().catch(showError);
}

function switchMode(mode, id) {
  state.mode = mode;
  if (id) {
    state.focus = id;
    state.expand = [];
  }
  if (mode === 'path' && !state.from && state.focus) {
    state.from = state.focus;
  }
  state.sel = mode === 'neighbourhood' ? state.focus : null;
  updateModeButtons();
  writeURL(true);
  loadView().catch(showError);
}

function updateModeButtons() {
  document.querySelectorAll('#modes button').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.mode === state.mode)));
  $('#path-picker').hidden = state.mode !== 'path';
  $('#lang').textContent = state.lang === 'en' ? '中文' : 'EN';
  document.body.dataset.mode = state.mode;
}

async function loadView() {
  await predicatesReady;
  updateModeButtons();
  if (state.mode === 'path') {
    await loadPaths();
    if (state.sel && cy.getElementById(state.sel).nonempty()) cy.getElementById(state.sel).select();
    return;
  }
  if (!state.focus) {
    cy.elements().remove();
    applyFilters();
    return;
  }
  if (state.mode === 'partners') {
    await loadPartners();
    if (state.sel) selectPartner(state.sel);
    return;
  }
  // The side panel loads while the graph is laid out.
  const sel = state.sel || state.focus;
  if (sel.startsWith('rel/')) showRelation(sel);
  else showEntity(sel);
  await loadNeighbourhood();
  const sn = cy.getElementById(sel);
  if (sn.nonempty()) sn.select();
}

// Node/edge clicks.
cy.on('tap', 'node', async (evt) => {
  const id = evt.target.id();
  state.sel = id;
  writeURL();
  if (state.mode === 'partners') {
    if (id === state.focus) showEntity(id);
    else selectPartner(id);
    return;
  }
  showEntity(id);
  if (state.mode === 'neighbourhood' && id !== state.focus && !state.expand.includes(id)) {
    // Clicking a node expands its neighbourhood into the view.
    state.expand.push(id);
    writeURL();
    try {
      await loadNeighbourhood({ incremental: true });
    } catch (e) {
      showError(e);
    }
  }
});

cy.on('tap', 'edge', (evt) => {
  const d = evt.target.data();
  if (d.kind === 'partner') {
    if (d.partner) selectPartner(d.partner);
    return;
  }
  state.sel = d.id;
  writeURL();
  showRelation(d.id);
});

cy.on('mouseover', 'node', (evt) => {
  if (cy.nodes().length > LARGE) return;
  const nb = evt.target.closedNeighborhood();
  cy.elements().not(nb).addClass('faded');
});
cy.on('mouseout', 'node', () => cy.elements('.faded').removeClass('faded'));

// ---------- controls ----------

$('#search-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  search($('#search').value);
});
let searchTimer = null;
$('#search').addEventListener('input', (ev) => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => search(ev.target.value), 250);
});

document.querySelectorAll('#modes button').forEach((b) =>
  b.addEventListener('click', () => switchMode(b.dataset.mode)),
);

$('#lang').addEventListener('click', () => {
  state.lang = state.lang === 'en' ? 'zh' : 'en';
  document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
  relabel();
  updateModeButtons();
  writeURL();
});

$('#fit').addEventListener('click', () => cy.fit(undefined, 30));

$('#png').addEventListener('click', async () => {
  const blob = await cy.png({ output: 'blob-promise', full: true, scale: 2, bg: '#ffffff', maxWidth: 8000, maxHeight: 8000 });
  const a = el('a', { href: URL.createObjectURL(blob), download: `minhang-kg-${(state.focus || 'view').replace(/[^a-z0-9-]+/gi, '-')}.png` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
});

$('#find-path').addEventListener('click', () => {
  state.maxHops = clampInt($('#max-hops').value, 1, 6, 4);
  writeURL(true);
  loadView().catch(showError);
});

window.addEventListener('popstate', () => {
  readURL();
  loadView().catch(showError);
});

// ---------- start ----------

readURL();
document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
renderFilters();
loadView().catch(showError);

// For the browser test and for debugging from the console: the graph, the
// view state, and `show(nodes, edges)` to put any node/edge lists (shaped
// like subgraph's) on the canvas through the same path the views use.
window.kgExplorer = {
  cy,
  state,
  async show(nodes, edges) {
    ++loadToken;
    cy.elements().remove();
    addElements(nodes, edges);
    statusNote = '';
    applyFilters();
    await runLayout();
    return { nodes: cy.nodes().length, edges: cy.edges().length, zoom: cy.zoom() };
  },
};
