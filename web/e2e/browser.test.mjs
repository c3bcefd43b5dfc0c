// Browser test of the explorer and the playground, driving Debian's
// Chromium with playwright-core against a running `kg serve` (KG_URL).
// Every request is routed: anything not to localhost/127.0.0.1/[::1] is
// aborted, recorded, and fails the test. Screenshots go to TEST_OUTPUT
// (default ../test-output/browser).
//
// Run through scripts/browser-test.sh, which installs Chromium, builds and
// starts the server. Without Chromium the test is skipped locally but FAILS
// when CI=true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.KG_URL;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const OUT = resolve(process.env.TEST_OUTPUT || join(import.meta.dirname, '..', '..', 'test-output', 'browser'));
const CI = process.env.CI === 'true';
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const TIMEOUT = 20_000;

const missing = !existsSync(CHROMIUM) ? `Chromium not found at ${CHROMIUM}` : !BASE ? 'KG_URL is not set' : '';
const skip = missing && !CI ? `${missing} (install chromium or run scripts/browser-test.sh)` : false;

async function gql(query, variables = {}) {
  const res = await fetch(`${BASE}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  assert.ok(!body.errors, JSON.stringify(body.errors));
  return body.data;
}

test('explorer and playground in Chromium, offline', { skip, timeout: 240_000 }, async (t) => {
  assert.ok(!missing, `${missing}: the browser test cannot run (CI=true)`);
  mkdirSync(OUT, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'kg-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  t.after(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });

  // Route every request; only this machine may be reached.
  const blocked = [];
  const pageErrors = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if ((url.protocol === 'http:' || url.protocol === 'https:') && LOCAL_HOSTS.has(url.hostname)) return route.continue();
    if (url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  await context.routeWebSocket(/.*/, (ws) => {
    const url = new URL(ws.url());
    if (LOCAL_HOSTS.has(url.hostname)) return ws.connectToServer();
    blocked.push(ws.url());
    return ws.close();
  });
  context.on('request', (req) => {
    const url = new URL(req.url());
    if (!['data:', 'blob:'].includes(url.protocol) && !LOCAL_HOSTS.has(url.hostname) && !blocked.includes(url.href)) blocked.push(url.href);
  });

  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (e) => pageErrors.push(`${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
  });
  const shot = (name) => page.screenshot({ path: join(OUT, `${name}.png`) });
  // Each step leaves a screenshot of the page when it fails.
  const step = (name, fn) =>
    t.test(name, async () => {
      try {
        await fn();
      } catch (e) {
        await page.screenshot({ path: join(OUT, `FAILED-${name.replace(/[^\w-]+/g, '-')}.png`) }).catch(() => {});
        throw e;
      }
    });
  let playgroundHref = '';
  const nodeCount = () => page.evaluate(() => window.kgExplorer.cy.nodes().length);

  await step('search 上海交大 and open its neighbourhood', async () => {
    await page.goto(`${BASE}/`);
    assert.match(page.url(), /\/explore$/, '/ redirects to /explore');
    // English and pinyin find it too.
    for (const text of ['Jiao Tong', 'shjtdx']) {
      await page.fill('#search', text);
      await page.press('#search', 'Enter');
      await page.locator('.result[data-id="org/sjtu"]').waitFor();
    }
    await page.fill('#search', '上海交大');
    await page.press('#search', 'Enter');
    const hit = page.locator('.result[data-id="org/sjtu"]');
    await hit.waitFor();
    assert.match(await hit.locator('.badge').innerText(), /机构/);
    await shot('01-search');
    await hit.click();
    await page.locator('#panel .entity[data-id="org/sjtu"]').waitFor();
    await page.waitForFunction(() => window.kgExplorer.cy.nodes().length > 1);
    const want = (await gql('query($id: ID!){ subgraph(ids: [$id], hops: 1, limit: 300) { nodes { id } } }', { id: 'org/sjtu' })).subgraph.nodes.length;
    assert.equal(await nodeCount(), want, 'graph shows the one-hop neighbourhood');
    assert.equal(new URL(page.url()).searchParams.get('focus'), 'org/sjtu');
    assert.match(await page.locator('#panel h2').innerText(), /上海交通大学/);
    assert.match(await page.locator('#playground-link').getAttribute('href'), /^\/playground\?query=/);
    await page.waitForTimeout(700); // let the layout animation settle
    await shot('02-neighbourhood');

    // The export menu downloads exactly this view.
    await page.click('#export-menu summary');
    const gexfHref = await page.locator('#export-menu a[data-format="gexf"]').getAttribute('href');
    const gexf = await (await fetch(new URL(gexfHref, BASE))).text();
    assert.match(gexf, /<gexf xmlns="http:\/\/gexf.net\/1.3"[^>]* version="1.3"/);
    assert.equal((gexf.match(/<node /g) || []).length, want, 'GEXF of the view has its nodes');
    await page.click('#export-menu summary');
    playgroundHref = await page.locator('#playground-link').getAttribute('href');
  });

  await step('open an edge and see its evidence highlighted in its paragraph', async () => {
    const edgeId = await page.evaluate(() => {
      const e = window.kgExplorer.cy.edges()[0];
      e.emit('tap');
      return e.id();
    });
    const fig = page.locator(`#panel .relation[data-id="${edgeId}"] figure.evidence`).first();
    await fig.waitFor();
    const mark = fig.locator('mark');
    await page.waitForFunction(
      (id) => {
        const p = document.querySelector(`#panel .relation[data-id="${id}"] figure.evidence .para`);
        const m = p && p.querySelector('mark');
        return m && p.textContent.length > m.textContent.length;
      },
      edgeId,
    );
    const quote = await mark.innerText();
    const rel = (await gql('query($id: ID!){ relation(id: $id) { evidence { quote } } }', { id: edgeId })).relation;
    assert.equal(quote, rel.evidence[0].quote, 'the highlighted text is the quote');
    await shot('03-edge-evidence');
  });

  await step('partners view', async () => {
    await page.evaluate(() => {
      window.kgExplorer.cy.getElementById('org/sjtu').emit('tap');
    });
    await page.locator('#panel .entity[data-id="org/sjtu"] .to-partners').click();
    await page.locator('#panel .partners-view ol.partners li').first().waitFor();
    const want = (await gql('query($id: ID!){ partners(id: $id, first: 50) { partner { id } } }', { id: 'org/sjtu' })).partners;
    assert.ok(want.length > 0);
    assert.equal(await page.locator('#panel ol.partners li').count(), want.length);
    assert.equal(new URL(page.url()).searchParams.get('mode'), 'partners');
    assert.equal(await nodeCount(), want.length + 1);
    // Partnerships among the partners are drawn too, each once.
    const ids = new Set(want.map((p) => p.partner.id));
    let among = 0;
    for (const id of ids) {
      const ps = (await gql('query($id: ID!){ partners(id: $id, first: 50) { partner { id } } }', { id })).partners;
      among += ps.filter((p) => ids.has(p.partner.id) && id < p.partner.id).length;
    }
    await page.waitForFunction((n) => window.kgExplorer.cy.edges('.among').length === n, among);
    await page.locator('#panel ol.partners li .entity-link').first().click();
    await page.locator('#panel .partnership figure.evidence mark').first().waitFor();
    await page.waitForTimeout(700);
    await shot('04-partners');
  });

  await step('path between two entities, each hop with its evidence', async () => {
    await page.locator('#modes [data-mode="path"]').click();
    await page.locator('#path-picker').waitFor();
    await page.fill('#search', '闵行区科学技术委员会');
    await page.press('#search', 'Enter');
    await page.locator('.result[data-id="org/mh-stc"]').click();
    await page.locator('#panel .paths-view .path').first().waitFor();
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('from'), 'org/sjtu');
    assert.equal(url.searchParams.get('to'), 'org/mh-stc');
    const paths = (await gql('query{ paths(from: "org/sjtu", to: "org/mh-stc", maxHops: 4, first: 5) { length } }')).paths;
    assert.ok(paths.length > 0, 'the dataset links SJTU and the commission');
    assert.match(await page.locator('#panel .path.shortest h3').innerText(), new RegExp(`${paths[0].length} 跳`));
    assert.ok((await page.evaluate(() => window.kgExplorer.cy.edges('.shortest').length)) === paths[0].length);
    await page.locator('#panel .path.shortest .rel-toggle').first().click();
    await page.locator('#panel .path.shortest .rel-evidence:not([hidden]) figure.evidence mark').first().waitFor();
    await page.waitForTimeout(700);
    await shot('05-path');

    // The URL restores the view.
    await page.goto(url.href);
    await page.locator('#panel .paths-view .path').first().waitFor();
    assert.equal(await page.locator('#panel .paths-view .path').count(), paths.length);
  });

  await step('English labels, PNG export', async () => {
    await page.goto(`${BASE}/explore?focus=org/sjtu`);
    await page.waitForFunction(() => window.kgExplorer.cy.nodes().length > 1);
    await page.locator('#panel .entity[data-id="org/sjtu"]').waitFor();
    await page.click('#lang');
    const label = await page.evaluate(() => window.kgExplorer.cy.getElementById('org/sjtu').data('display'));
    assert.equal(label, 'Shanghai Jiao Tong University');
    assert.equal(new URL(page.url()).searchParams.get('lang'), 'en');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#png')]);
    const file = join(OUT, 'view.png');
    await download.saveAs(file);
    const png = readFileSync(file);
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG file');
    await shot('06-english');
  });

  await step('2,000 nodes stay usable', async () => {
    const r = await page.evaluate(async () => {
      // A deterministic random graph: a tree plus extra edges.
      const kinds = ['INSTITUTION', 'LAB', 'ALLIANCE', 'POLICY', 'EVENT', 'COMPANY', 'PLACE'];
      const N = 2000;
      let seed = 7;
      const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
      const nodes = Array.from({ length: N }, (_, i) => ({ id: `n${i}`, label: `节点${i}`, labelEn: `Node ${i}`, kind: kinds[i % kinds.length], degree: 0 }));
      const edges = [];
      for (let i = 1; i < N; i++) edges.push({ id: `t${i}`, source: `n${i}`, target: `n${Math.floor(rnd() * i)}`, predicate: 'co_builds', label: '共建', labelEn: 'co-builds' });
      for (let i = 0; i < N / 2; i++) edges.push({ id: `x${i}`, source: `n${Math.floor(rnd() * N)}`, target: `n${Math.floor(rnd() * N)}`, predicate: 'supports', label: '支持', labelEn: 'supports' });
      for (const e of edges) {
        nodes[+e.source.slice(1)].degree++;
        nodes[+e.target.slice(1)].degree++;
      }
      const shown = await window.kgExplorer.show(nodes, edges);
      const cy = window.kgExplorer.cy;
      return { ...shown, texture: cy.renderer().textureOnViewport, hubs: cy.nodes('.hub').length, nodeMin: cy.nodes().not('.hub').first().style('min-zoomed-font-size') };
    });
    assert.equal(r.nodes, 2000);
    assert.equal(r.edges, 2999);
    assert.equal(r.texture, true, 'textures while panning a large graph');
    assert.ok(r.hubs > 0 && r.hubs <= 20, `hub labels: ${r.hubs}`);
    assert.ok(Number.parseFloat(r.nodeMin) >= 16, `labels hidden when zoomed out: ${JSON.stringify(r)}`);
    // Still interactive: tapping a node selects it.
    await page.evaluate(() => {
      window.kgExplorer.cy.getElementById('n0').select();
    });
    assert.equal(await page.evaluate(() => window.kgExplorer.cy.$(':selected').length), 1);
    await shot('07-2000-nodes');
  });

  await step('playground runs a query', async () => {
    const want = (await gql('{ stats { entities } }')).stats.entities;
    // GraphiQL runs queries once it has the schema: wait for the introspection.
    const introspected = page.waitForResponse((r) => r.url().endsWith('/graphql') && /IntrospectionQuery/.test(r.request().postData() || ''));
    await page.goto(`${BASE}/playground?query=${encodeURIComponent('query E2E { stats { entities relations } }')}`);
    assert.equal((await introspected).status(), 200);
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
    await page.waitForTimeout(300);
    // The URL's query opens in a tab of its own, beside the examples.
    const tabs = await page.locator('.graphiql-tab').allInnerTexts();
    assert.ok(tabs.some((x) => /E2E/.test(x)) && tabs.some((x) => /PartnersOfSJTU/.test(x)), `tabs: ${tabs}`);
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.result-window');
    await page.waitForFunction(() => /"entities":/.test(document.querySelector('.result-window')?.textContent || ''));
    const text = await result.innerText();
    assert.match(text.replace(/\s+/g, ''), new RegExp(`"entities":${want}`));
    await shot('08-playground');

    // "Open in playground" from the explorer: the query behind the view, with its variables.
    await page.goto(new URL(playgroundHref, BASE).href);
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
    await page.waitForFunction(() => /query Neighbourhood/.test(document.querySelector('.graphiql-query-editor')?.textContent || ''));
    await page.waitForTimeout(800);
    await page.locator('.graphiql-execute-button').click();
    await page.waitForFunction(() => /"subgraph"/.test(document.querySelector('.result-window')?.textContent || ''));
    assert.match(await page.locator('.result-window').innerText(), /org\/sjtu/);

    // A preloaded example from the drop-down.
    await page.selectOption('#examples', { index: 1 });
    await page.waitForFunction(() => /PartnersOfSJTU/.test(document.querySelector('.graphiql-query-editor')?.textContent || ''));
    // GraphiQL re-reads the operation name from the editor after a debounce;
    // run only after it, as a person would.
    await page.waitForTimeout(800);
    await page.locator('.graphiql-execute-button').click();
    await page.waitForFunction(() => /上海交通大学/.test(document.querySelector('.result-window')?.textContent || ''));
    await shot('09-playground-example');
  });

  await step('nothing left localhost, no page errors', () => {
    assert.deepEqual(blocked, [], `requests beyond localhost: ${blocked.join(', ')}`);
    assert.deepEqual(pageErrors, []);
  });
});
