// Checks the built assets for anything that could make the browser reach
// beyond the server it was loaded from: absolute URLs in HTML src/href, CSS
// url()/@import, and any absolute URL in JS that is not a known harmless
// string (XML namespaces, links in error messages and docs). A new URL
// fails the build until it is reviewed and, if inert, added below.
//
// Usage: node scripts/check-offline.mjs dist
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';

// Absolute URLs that occur in bundled libraries as plain strings and are
// never requested by the page.
const INERT = [
  'http://www.w3.org/2000/svg', // SVG namespace
  'http://www.w3.org/1999/xlink', // XLink namespace
  'http://www.w3.org/XML/1998/namespace', // XML namespace
  'http://www.w3.org/1998/Math/MathML', // MathML namespace
  'https://react.dev/errors/', // React's minified error message text
  'https://github.com/graphql/graphiql', // GraphiQL error message text
  'https://en.wikipedia.org/wiki/IEEE_floating_point', // graphql-js comment text
  'https://commonmark.org/', // markdown-it comment text
  'https://codemirror.net/5/doc/manual.html#keymaps', // CodeMirror error message text
  'https://yarnpkg.com/en/docs/selective-version-resolutions', // graphql-js duplicate-module warning text
  'http://${e.url}', // linkify-it: normalises link text found in markdown docs
  'http://', // markdown-it: bare scheme prefix used to normalise link text
];

const dir = process.argv[2] || 'dist';
const problems = [];

function walk(d) {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else check(p);
  }
}

function lineOf(text, index) {
  return text.slice(0, index).split('\n').length;
}

function check(file) {
  const text = readFileSync(file, 'utf8');
  const ext = extname(file);
  if (ext === '.html') {
    for (const m of text.matchAll(/\b(?:src|href|action|poster|srcset)\s*=\s*["']?\s*((?:[a-z][a-z0-9+.-]*:)?\/\/[^"'\s>]*)/gi)) {
      problems.push(`${file}:${lineOf(text, m.index)}: absolute URL in attribute: ${m[1]}`);
    }
  }
  if (ext === '.css' || ext === '.html') {
    for (const m of text.matchAll(/url\(\s*["']?\s*((?:[a-z][a-z0-9+.-]*:)?\/\/[^)"']*)/gi)) {
      problems.push(`${file}:${lineOf(text, m.index)}: remote url() in CSS: ${m[1]}`);
    }
    for (const m of text.matchAll(/@import\s+(?:url\()?\s*["']?((?:[a-z]+:)?\/\/[^"')\s;]*)/gi)) {
      problems.push(`${file}:${lineOf(text, m.index)}: remote @import: ${m[1]}`);
    }
  }
  if (ext === '.js' || ext === '.mjs' || ext === '.html') {
    for (const m of text.matchAll(/(?:https?|wss?):\/\/[^\s"'`<>)\\]*(?:\$\{[^}]*\})?/g)) {
      if (!INERT.some((u) => m[0] === u || (u.endsWith('/') && m[0].startsWith(u)))) {
        problems.push(`${file}:${lineOf(text, m.index)}: absolute URL in script: ${m[0]}`);
      }
    }
    for (const m of text.matchAll(/["'`]\/\/[a-z0-9-]+\.[a-z0-9.-]+\//gi)) {
      problems.push(`${file}:${lineOf(text, m.index)}: protocol-relative URL: ${m[0]}`);
    }
  }
}

walk(dir);
if (problems.length) {
  console.error(`check-offline: ${problems.length} possible request(s) beyond the server:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`check-offline: ${dir} makes no requests beyond its own server`);
