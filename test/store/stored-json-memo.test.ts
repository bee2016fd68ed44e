// StoredJsonMemo (server/store/database.ts): stored JSON read again gives the object already parsed,
// keyed by the text itself, so a row rewritten with other text is parsed anew; a damaged text is
// the store's error; the memo is bounded.

import t from 'tap';
import { StoredDataError, StoredJsonMemo } from '../../server/store/database.js';

t.test('the same text gives the same object; other text, another', async (t) => {
  const memo = new StoredJsonMemo(4);
  const text = JSON.stringify({ operationId: 'a', patches: [{ patchId: 'p1' }] });
  const first = memo.read<{ operationId: string }>(text, 'a plan');
  t.equal(memo.read(JSON.stringify(JSON.parse(text)), 'a plan'), first, 'an equal text read from another row: no parse');
  const other = memo.read<{ operationId: string }>(JSON.stringify({ operationId: 'b' }), 'a plan');
  t.not(other, first);
  t.equal(other.operationId, 'b');
});

t.test('a damaged text is a StoredDataError naming what it was', async (t) => {
  const memo = new StoredJsonMemo(4);
  t.throws(() => memo.read('{"cut', 'an operation plan'), StoredDataError);
  t.throws(() => memo.read('{"cut', 'an operation plan'), /an operation plan stored in the database is unreadable/, 'and is not kept');
});

t.test('at most `limit` texts are kept', async (t) => {
  const memo = new StoredJsonMemo(2);
  const a = memo.read('{"n":1}', 'x');
  memo.read('{"n":2}', 'x');
  t.equal(memo.read('{"n":1}', 'x'), a, 'kept while under the limit');
  memo.read('{"n":3}', 'x');
  t.not(memo.read('{"n":1}', 'x'), a, 'parsed anew once the memo started again');
});
