// The Resource Graph query language (docs/resource-graph.md): each operator and function over a
// small table, and the errors for what is not a query or not supported.

import fc from 'fast-check';
import t, { type Test } from 'tap';
import { DateTimeValue, KqlError, runQuery, type Table } from '../../simulator/kql/index.js';
import { MAX_QUERY_LENGTH } from '../../simulator/kql/lexer.js';
import { MAX_DEPTH } from '../../simulator/kql/parser.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const VM = (name: string, rg = 'rg1') => `/subscriptions/s1/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`;

const machines: Table = {
  columns: ['id', 'name', 'type', 'properties'],
  rows: [
    [`${VM('vm1')}/patchInstallationResults/run1`, 'run1', 'microsoft.compute/virtualmachines/patchinstallationresults', { osType: 'Windows', installedPatchCount: 3, lastModifiedDateTime: '2026-11-26T10:00:00Z', tags: ['a', 'b'] }],
    [`${VM('vm2', 'RG2')}/patchInstallationResults/run2`, 'run2', 'microsoft.compute/virtualmachines/patchinstallationresults', { osType: 'Linux', installedPatchCount: 5, lastModifiedDateTime: '2026-11-10T10:00:00Z', tags: [] }],
    [`${VM('vm1')}/patchInstallationResults/run1/softwarePatches/p1`, 'p1', 'microsoft.compute/virtualmachines/patchinstallationresults/softwarepatches', { patchName: 'Update for Windows (KB1)', kbId: '1', classifications: ['Security'], installationState: 'Installed' }],
    [`${VM('vm2', 'RG2')}/patchInstallationResults/run2/softwarePatches/p2`, 'p2', 'microsoft.compute/virtualmachines/patchinstallationresults/softwarepatches', { patchName: 'sudo', version: '1.9', classifications: ['Critical'], installationState: 'Failed' }],
  ],
};
const other: Table = {
  columns: ['name', 'owner'],
  rows: [
    ['run1', 'alice'],
    ['run1', 'bob'],
    ['run3', 'carol'],
  ],
};

const context = { nowMs: NOW, table: (name: string) => (name === 'patchinstallationresources' ? machines : name === 'owners' ? other : undefined) };
const q = (text: string) => runQuery(text, context);
const column = (table: Table, name: string) => table.rows.map((row) => row[table.columns.indexOf(name)]);
const names = (text: string) => column(q(text), 'name');

function fails(t: Test, text: string, kind: string, message?: RegExp) {
  try {
    q(text);
    t.fail(`no error for ${text}`);
  } catch (error) {
    t.ok(error instanceof KqlError, `${text}: a KqlError`);
    t.equal((error as KqlError).kind, kind, `${text}: ${kind} (${(error as Error).message})`);
    if (message) t.match((error as Error).message, message);
  }
}

t.test('table names match case-insensitively; an unknown table is refused', async (t) => {
  t.equal(q('PatchInstallationResources').rows.length, 4);
  fails(t, 'nosuchtable | take 1', 'table', /Table nosuchtable is invalid, unsupported or disallowed/);
});

t.test('where with ==, !=, =~, !~, <, >, and, or, not()', async (t) => {
  t.same(names('patchinstallationresources | where name == "run1"'), ['run1']);
  t.same(names('patchinstallationresources | where name == "RUN1"'), [], '== is case-sensitive');
  t.same(names('patchinstallationresources | where name =~ "RUN1"'), ['run1'], '=~ is not');
  t.same(names('patchinstallationresources | where name !~ "RUN1" and name != "p1"'), ['run2', 'p2']);
  t.same(names('patchinstallationresources | where properties.installedPatchCount > 3'), ['run2']);
  t.same(names('patchinstallationresources | where properties.installedPatchCount <= 3'), ['run1'], 'missing values compare as null: no row');
  t.same(names("patchinstallationresources | where name == 'p1' or name == 'p2'"), ['p1', 'p2']);
  t.same(names('patchinstallationresources | where not(name startswith "run")'), ['p1', 'p2']);
  t.same(names('patchinstallationresources | where properties.osType == "Windows"'), ['run1'], 'a dynamic value compared with a string');
});

t.test('has, !has, contains, startswith, endswith and their case-sensitive forms', async (t) => {
  t.same(names('patchinstallationresources | where type has "softwarepatches"'), ['p1', 'p2']);
  t.same(names('patchinstallationresources | where type !has "softwarepatches"'), ['run1', 'run2']);
  t.same(names('patchinstallationresources | where type has "patches"'), [], 'has matches whole terms only');
  t.same(names('patchinstallationresources | where type contains "PATCHES"'), ['p1', 'p2'], 'contains is a substring, any case');
  t.same(names('patchinstallationresources | where type contains "Installation"'), ['run1', 'run2', 'p1', 'p2']);
  t.same(names('patchinstallationresources | where type contains_cs "PATCHES"'), []);
  t.same(names('patchinstallationresources | where properties has "version"'), ['p2'], 'has on a property bag reads its JSON text, keys included');
  t.same(names('patchinstallationresources | where id has "RG2/providers"'), ['run2', 'p2'], 'a phrase with punctuation');
  t.same(names('patchinstallationresources | where name startswith "R" and name endswith "2"'), ['run2']);
  t.same(names('patchinstallationresources | where name startswith_cs "R"'), []);
  t.same(names('patchinstallationresources | where type hassuffix "patches"'), ['p1', 'p2']);
});

t.test('in, !in, in~ with literals and dynamic arrays', async (t) => {
  t.same(names('patchinstallationresources | where name in ("run1", "p2")'), ['run1', 'p2']);
  t.same(names('patchinstallationresources | where name !in ("run1", "p2")'), ['run2', 'p1']);
  t.same(names('patchinstallationresources | where name in~ ("RUN1")'), ['run1']);
  t.same(names('patchinstallationresources | where name in (dynamic(["p1", "p2"]))'), ['p1', 'p2']);
  t.same(names('patchinstallationresources | where "Security" in (properties.classifications)'), ['p1']);
});

t.test('has_any and has_all: whole terms of a list, any case, arrays standing for their elements', async (t) => {
  t.same(names('patchinstallationresources | where properties.classifications has_any ("security", "Critical")'), ['p1', 'p2']);
  t.same(names('patchinstallationresources | where properties.patchName has_any (dynamic(["kb1", "curl"]))'), ['p1'], 'KB1 is a term of the name');
  t.same(names('patchinstallationresources | where properties.patchName has_any ("Wind")'), [], 'terms, not substrings');
  t.same(names('patchinstallationresources | where type has_all ("patchinstallationresults", "softwarepatches")'), ['p1', 'p2']);
  t.same(names('patchinstallationresources | where id has_all ("vm1", "softwarePatches")'), ['p1']);
  t.same(names('patchinstallationresources | where properties.nothing has_any ("x")'), [], 'a missing value has no terms');
  fails(t, 'patchinstallationresources | where name !has_any ("run1")', 'unsupported', /'!has_any' operator/);
});

t.test('between and !between: numbers, datetimes, and a datetime range ending in a timespan', async (t) => {
  t.same(names('patchinstallationresources | where properties.installedPatchCount between (3 .. 4)'), ['run1'], 'both ends included');
  t.same(names('patchinstallationresources | where properties.installedPatchCount between (1..5)'), ['run1', 'run2'], '1..5 written without spaces');
  t.same(names('patchinstallationresources | where properties.installedPatchCount !between (4 .. 10)'), ['run1'], 'a missing count is neither inside nor outside');
  t.same(names('patchinstallationresources | where todatetime(properties.lastModifiedDateTime) between (ago(7d) .. now())'), ['run1']);
  t.same(names('patchinstallationresources | where todatetime(properties.lastModifiedDateTime) between (datetime(2026-11-10) .. 1d)'), ['run2'], 'the end as a timespan after the start');
  t.same(names('patchinstallationresources | where todatetime(properties.lastModifiedDateTime) between (datetime(2026-11-10T10:00:00Z) .. datetime(2026-11-26T10:00:00Z))'), ['run1', 'run2']);
  fails(t, 'patchinstallationresources | where properties.installedPatchCount between (1, 5)', 'parser');
});

t.test('extend, project, renames, property paths and generated column names', async (t) => {
  const table = q('patchinstallationresources | where name == "run1" | extend os = properties.osType, n = properties.installedPatchCount * 2 | project name, os, n, properties.osType, tostring(properties.installedPatchCount)');
  t.same(table.columns, ['name', 'os', 'n', 'properties_osType', 'properties_installedPatchCount']);
  t.same(table.rows, [['run1', 'Windows', 6, 'Windows', '3']]);
  const named = q('patchinstallationresources | where name == "run1" | extend tostring(rgName = split(id, "/", 4)) | project RunID = name, rgName');
  t.same(named.columns, ['RunID', 'rgName'], 'a name given inside a call names the column');
  t.same(named.rows, [['run1', '["rg1"]']]);
  t.same(q("patchinstallationresources | where name == 'run1' | project ['id'], x = properties['osType'], y = properties.tags[1]").rows[0]!.slice(1), ['Windows', 'b']);
  t.same(q('patchinstallationresources | project-away id, type, properties | take 1').columns, ['name']);
  t.same(q('patchinstallationresources | project-rename runName = name | take 1').columns, ['id', 'runName', 'type', 'properties']);
  const later = q('patchinstallationresources | take 1 | extend a = 1, b = a + 1 | project b');
  t.same(later.rows, [[2]], 'a later extend column sees an earlier one');
});

t.test('the functions the samples use: tostring, split, parse_json, todatetime, ago', async (t) => {
  const table = q(`patchinstallationresources
    | where type !has "softwarepatches"
    | extend machineName = tostring(split(id, "/", 8)), prop = parse_json(properties)
    | extend lTime = todatetime(prop.lastModifiedDateTime)
    | where lTime > ago(7d)
    | project machineName, lTime`);
  t.same(column(table, 'machineName'), ['["vm1"]'], 'split with an index is a one-element array; tostring writes it as JSON');
  const lTime = column(table, 'lTime')[0];
  t.ok(lTime instanceof DateTimeValue && lTime.ms === Date.parse('2026-11-26T10:00:00Z'));
  t.same(q('patchinstallationresources | take 1 | project a = split("a/b", "/"), b = split("a/b", "/", 5), c = strcat("x", 1, true), d = tolower("AB"), e = strlen("abc"), f = iff(1 > 2, "y", "n"), g = isempty(""), h = coalesce("", "z")').rows, [[['a', 'b'], [], 'x1true', 'ab', 3, 'n', true, 'z']]);
  t.same(q('patchinstallationresources | take 1 | project a = datetime(2026-11-20) < ago(1d), b = now() - 1h == ago(1h), c = toint("12"), d = tobool("TRUE")').rows, [[true, true, 12, true]]);
});

t.test('summarize with by, count(), countif(), dcount(), sum(), min(), max(), make_set(), arg_max()', async (t) => {
  const byState = q('patchinstallationresources | where type has "softwarepatches" | summarize n = count() by state = tostring(properties.installationState) | order by state asc');
  t.same(byState.columns, ['state', 'n']);
  t.same(byState.rows, [['Failed', 1], ['Installed', 1]]);
  const all = q('patchinstallationresources | summarize count(), countif(name startswith "run"), dcount(type), sum(toint(properties.installedPatchCount)), max(name), min(name), make_set(type)');
  t.same(all.columns, ['count_', 'countif_', 'dcount_type', 'sum_properties_installedPatchCount', 'max_name', 'min_name', 'set_type']);
  t.same(all.rows[0]!.slice(0, 6), [4, 2, 2, 8, 'run2', 'p1']);
  t.same(q('patchinstallationresources | where name == "nothing" | summarize count()').rows, [[0]], 'no rows and no by: one row');
  const latest = q('patchinstallationresources | where type !has "softwarepatches" | summarize arg_max(todatetime(properties.lastModifiedDateTime), name) by os = tostring(properties.osType) | order by os asc');
  t.same(latest.columns, ['os', 'properties_lastModifiedDateTime', 'name']);
  t.same(column(latest, 'name'), ['run2', 'run1']);
  t.same(q('patchinstallationresources | summarize by type | count').rows, [[2]]);
});

t.test('count, order by / sort by (descending by default, nulls last), take / limit, top, distinct', async (t) => {
  t.same(q('patchinstallationresources | count').rows, [[4]]);
  t.same(names('patchinstallationresources | sort by name'), ['run2', 'run1', 'p2', 'p1']);
  t.same(names('patchinstallationresources | order by name asc'), ['p1', 'p2', 'run1', 'run2']);
  t.same(names('patchinstallationresources | order by toint(properties.installedPatchCount) desc, name asc'), ['run2', 'run1', 'p1', 'p2'], 'nulls last when descending');
  t.same(names('patchinstallationresources | order by toint(properties.installedPatchCount) asc'), ['p1', 'p2', 'run1', 'run2'], 'nulls first when ascending');
  t.same(names('patchinstallationresources | order by name asc | take 2'), ['p1', 'p2']);
  t.same(names('patchinstallationresources | order by name asc | limit 1'), ['p1']);
  t.same(names('patchinstallationresources | top 1 by name'), ['run2']);
  t.same(q('patchinstallationresources | distinct type').rows.length, 2);
  t.same(q('patchinstallationresources | project type | distinct *').rows.length, 2);
});

t.test('mv-expand: arrays, bounded growth, and the limit clause', async (t) => {
  const expanded = q('patchinstallationresources | where name == "run1" | mv-expand tag = properties.tags | project name, tag');
  t.same(expanded.rows, [['run1', 'a'], ['run1', 'b']]);
  t.same(q('patchinstallationresources | where name == "run2" | mv-expand tag = properties.tags').rows.length, 0, 'an empty array makes no rows');
  t.same(q('patchinstallationresources | where name == "run1" | mv-expand limit 1 tag = properties.tags').rows.length, 1);
  fails(t, 'patchinstallationresources | mv-expand tag = properties.tags limit 401', 'limit', /at most 400/);
  fails(t, 'patchinstallationresources | mv-expand a = properties.tags | mv-expand b = properties.tags | mv-expand c = properties.tags', 'limit', /at most 2/);
});

t.test('join: innerunique, inner, leftouter, $left/$right keys, and ARG limits', async (t) => {
  const inner = q('patchinstallationresources | where type !has "softwarepatches" | join kind=inner (owners) on name | project name, owner');
  t.same(inner.rows, [['run1', 'alice'], ['run1', 'bob']]);
  const unique = q('owners | join (patchinstallationresources | project name, type) on name | project name, owner, name1');
  t.same(unique.rows, [['run1', 'alice', 'run1']], 'innerunique keeps the first left row per key; right columns of the same name get a 1');
  const outer = q('patchinstallationresources | where type !has "softwarepatches" | join kind=leftouter (owners | where owner == "alice") on $left.name == $right.name | project name, owner');
  t.same(outer.rows, [['run1', 'alice'], ['run2', null]]);
  fails(t, 'owners | join kind=fullouter (owners) on name', 'unsupported', /join kind 'fullouter'/);
  fails(t, 'owners | join (owners) on owner2', 'semantic', /owner2/);
  fails(t, 'owners | join (owners) on name | join (owners) on name | join (owners) on name | join (owners) on name', 'limit', /at most 3/);
});

t.test('parse (kind=simple): literals, skips, typed columns, anchored at both ends', async (t) => {
  // The community form: the machine id is what precedes "/patchInstallationResults".
  const machines = q('patchinstallationresources | parse id with machineId "/patchInstallationResults/" runId | project name, machineId, runId');
  t.same(machines.rows[0], ['run1', VM('vm1'), 'run1']);
  t.same(machines.rows[2], ['p1', VM('vm1'), 'run1/softwarePatches/p1'], 'a last column takes the rest');
  const skipped = q('patchinstallationresources | parse id with * "/resourceGroups/" rg "/" * | project rg');
  t.same(skipped.rows.map((row) => row[0]), ['rg1', 'RG2', 'rg1', 'RG2'], 'a column ends at the first occurrence of the next literal');
  const typed = q('patchinstallationresources | take 1 | extend s = "count=42; at=2026-11-26T10:00:00Z" | parse s with "count=" n:long "; at=" when:datetime | project n, when');
  t.same(typed.rows[0]![0], 42);
  t.ok(typed.rows[0]![1] instanceof DateTimeValue);
  const missed = q('patchinstallationresources | take 1 | parse name with "zzz" rest | extend n = strlen(rest) | project rest, n');
  t.same(missed.rows, [['', 0]], 'no match: empty strings');
  t.same(q('patchinstallationresources | take 1 | parse name with "run" rest "x"').rows[0]!.at(-1), '', 'the whole text must be used');
  fails(t, 'patchinstallationresources | parse name with a b', 'parser');
  fails(t, 'patchinstallationresources | parse name with a:blob', 'parser');
});

t.test('comments, quoting and both string quote styles', async (t) => {
  t.same(names("patchinstallationresources // the table\n| where ['name'] == 'run1' // a comment\n"), ['run1']);
  t.same(names('patchinstallationresources | where name == @"run1"'), ['run1']);
  t.same(names("patchinstallationresources | where name == 'it\\'s' or name == \"run\\t\" or name == 'run1'"), ['run1'], 'escapes');
});

t.test('a query starting with an operator reads the resources table', async (t) => {
  const withResources = { nowMs: NOW, table: (name: string) => (name === 'resources' ? other : undefined) };
  t.same(runQuery('where owner == "carol"', withResources).rows, [['run3', 'carol']]);
});

t.test('syntax errors are ParserFailures with a line, position and token', async (t) => {
  for (const [text, line, column, token] of [
    ['where where', 1, 6, 'where'],
    ['patchinstallationresources | where', 1, 34, '<EOF>'],
    ['patchinstallationresources\n| where name == ', 2, 16, '<EOF>'],
    ['patchinstallationresources | take -1', 1, 34, '-'],
    ['patchinstallationresources | where name == "open', 1, 43, '"open'],
    ['patchinstallationresources | where name <> "x"', 1, 40, '<>'],
  ] as const) {
    try {
      q(text);
      t.fail(`no error for ${text}`);
    } catch (error) {
      const e = error as KqlError;
      t.equal(e.kind, 'parser', text);
      t.same({ line: e.position?.line, column: e.position?.column, token: e.token }, { line, column, token }, text);
    }
  }
});

t.test('unknown names fail at compile time, even over no rows; unsupported operators say so', async (t) => {
  fails(t, 'patchinstallationresources | where nope == 1 | take 0', 'semantic', /Failed to resolve scalar expression named 'nope'/);
  fails(t, 'patchinstallationresources | take 0 | where Name == 1', 'semantic', /'Name'/);
  fails(t, 'patchinstallationresources | extend x = nosuchfunction(1)', 'semantic', /Unknown function: 'nosuchfunction'/);
  fails(t, 'patchinstallationresources | extend x = count()', 'semantic', /only be used in summarize/);
  fails(t, 'patchinstallationresources | parse-where id with * "/x" rest', 'unsupported', /'parse-where' operator/);
  fails(t, 'patchinstallationresources | parse kind=regex id with * "/x" rest', 'unsupported', /kind=regex/);
  fails(t, 'patchinstallationresources | union owners', 'unsupported', /'union' operator/);
  fails(t, 'let x = 1; patchinstallationresources', 'unsupported', /'let'/);
  fails(t, 'patchinstallationresources | where name matches regex "r.*"', 'unsupported', /'matches'/);
  fails(t, 'patchinstallationresources | extend x = extract("a", 0, name)', 'unsupported', /'extract'/);
  fails(t, 'patchinstallationresources | where name in (owners | project name)', 'unsupported', /sub-query/);
  fails(t, 'patchinstallationresources | project name, name', 'semantic', /used twice/);
});

t.test('bounds: query length and nesting', async (t) => {
  fails(t, `patchinstallationresources | where name == "${'x'.repeat(MAX_QUERY_LENGTH)}"`, 'limit', /characters long/);
  fails(t, `patchinstallationresources | where ${'('.repeat(MAX_DEPTH + 1)}1${')'.repeat(MAX_DEPTH + 1)} == 1`, 'limit', /nests deeper/);
  const deepButFine = `patchinstallationresources | where ${'('.repeat(20)}name${')'.repeat(20)} == "run1"`;
  t.same(names(deepButFine), ['run1']);
  // A string doubled in every extend stops at the string bound instead of growing without end.
  let query = 'patchinstallationresources | take 1 | extend s0 = "xxxxxxxxxxxxxxxx"';
  for (let i = 1; i <= 20; i++) query += ` | extend s${i} = strcat(s${i - 1}, s${i - 1})`;
  fails(t, query, 'limit', /strcat/);
  // Long chains nest the tree without nesting the parser: bounded too.
  fails(t, `patchinstallationresources | where 1${' + 1'.repeat(5000)} > 0`, 'limit', /nests deeper than 256/);
  fails(t, `patchinstallationresources | extend x = properties${'.a'.repeat(1000)}`, 'limit', /nests deeper than 256/);
  t.same(names(`patchinstallationresources | where ${'name == "x" or '.repeat(200)}name == "run1"`), ['run1'], 'a 200-term or is fine');
  // parse_json of deeply nested text is refused before JSON.stringify could overflow.
  fails(t, `patchinstallationresources | take 1 | extend j = parse_json(strcat(${'"[[[[[[[[[[", '.repeat(20)}"1")) | project tostring(j)`, 'limit', /parse_json\(\): the JSON nests deeper/);
});

t.test('any text: an answer or a KqlError, never another exception', async (t) => {
  // Fragments of queries, glued at random: mostly near-queries, which reach deep into the parser.
  const pieces = [
    'patchinstallationresources', 'owners', '|', 'where', 'extend', 'project', 'summarize', 'by', 'count()', 'count', 'order by', 'take 2',
    'mv-expand', 'join', 'kind=inner', '(', ')', '[', ']', ',', '.', '=', '==', '=~', '!has', 'has', 'contains', 'in', '!in~', 'and', 'or',
    'name', 'type', 'properties', 'properties.tags', 'x', '"a"', "'b'", '1', '7d', 'datetime(2026-01-01)', 'dynamic([1])', 'tostring(', 'split(',
    'ago(', 'arg_max(', '*', '$left.name', '$right.name', 'on', '//c\n', '\n', '@"v"', '-', '+', '/', 'let', 'parse',
  ];
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), fc.string({ maxLength: 20 }), (parts, noise) => {
        for (const text of [parts.join(' '), parts.join(' ') + noise]) {
          try {
            q(text);
          } catch (error) {
            if (!(error instanceof KqlError)) throw error;
          }
        }
      }),
      { numRuns: 2000, seed: 16 },
    ),
  '2000 random queries, each answered or refused as a query error');
});
