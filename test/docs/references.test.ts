// Every reference the repo makes to its own documentation resolves: a path `docs/<file>.md` or
// `bench/README.md` names a file that exists, and an `#anchor` after it names a heading in that file
// (GitHub's heading slugs). The repo stands on its own, so no comment or doc may point at a document
// that is not in it (section signs, the design notes and the contract it was first written from).

import t from 'tap';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/test/docs/ -> the repository root.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCANNED = ['server', 'simulator', 'schemas', 'bench', 'test', 'docs', '.ci'];
const TOP_FILES = ['README.md', 'Dockerfile', 'package.json'];
const TEXT = /\.(ts|js|mjs|cjs|md|sh|py|go|java|html|css|json)$|^Dockerfile$|^run$/;

function files(): string[] {
  const out: string[] = TOP_FILES.filter((f) => existsSync(join(ROOT, f))).map((f) => join(ROOT, f));
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'dist' || name.startsWith('.cpe')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (TEXT.test(name)) out.push(path);
    }
  };
  for (const dir of SCANNED) if (existsSync(join(ROOT, dir))) walk(join(ROOT, dir));
  return out;
}

/** GitHub's slug for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

const all = files();
const THIS_FILE = 'test/docs/references.test.ts';

t.test('the scan finds the project and its docs', async (t) => {
  t.ok(all.length > 50, `scanned ${all.length} files`);
  t.ok(all.some((f) => f.endsWith(join('docs', 'wire-format.md'))), 'docs/wire-format.md is among them');
});

t.test('every docs reference names a file and a heading that exist', async (t) => {
  const ref = /(?<![\w/.@-])((?:docs\/[\w./-]+|bench\/README)\.md)(#[\w-]+)?/g;
  const cache = new Map<string, Set<string>>();
  const broken: string[] = [];
  let count = 0;
  for (const file of all) {
    const rel = relative(ROOT, file);
    if (rel === THIS_FILE || rel.endsWith('.test.ts') && rel.startsWith('test/docs/')) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(ref)) {
      count++;
      const target = join(ROOT, m[1]!);
      if (!existsSync(target)) {
        broken.push(`${rel}: ${m[0]} (no such file)`);
        continue;
      }
      if (!m[2]) continue;
      if (!cache.has(target)) cache.set(target, anchors(readFileSync(target, 'utf8')));
      if (!cache.get(target)!.has(m[2].slice(1))) broken.push(`${rel}: ${m[0]} (no such heading)`);
    }
  }
  t.ok(count > 20, `${count} references checked`);
  t.same(broken, [], 'no reference resolves to nothing');
});

t.test('nothing cites a document that is not in the repo', async (t) => {
  const documents = /\u00a7|wire[ -]contract|DESIGN(\.md)?\b|shared\/(spec|notes)/;
  const outside = new RegExp(`${documents.source}|(?<![%\\w])[RSCE][1-5](?![\\w%-])`);
  const found: string[] = [];
  for (const file of all) {
    const rel = relative(ROOT, file);
    if (rel === THIS_FILE) continue;
    // Source tags (R1, S5, E1, ...) are looked for in code only: prose may say "Windows Server 2008 R2".
    const pattern = rel.endsWith('.md') ? documents : outside;
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      if (pattern.test(line)) found.push(`${rel}:${i + 1}: ${line.trim().slice(0, 120)}`);
    });
  }
  t.same(found, [], 'no section signs, design-note or wire-contract citations, or their source tags');
});
