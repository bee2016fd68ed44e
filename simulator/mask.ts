// Shell-style name masks (`*` any run, `?` one character), matched case-insensitively against the
// whole text. Masks come from requests (installPatches name masks, scenario patch lists, admin
// fault-rule paths), so they are never turned into regular expressions: a mask such as
// `************!` makes a backtracking regex take exponential time. Here the mask is cut at its
// stars into literal pieces, and each piece is found at its leftmost place after the previous one.
// Leftmost is always right for a glob (a later place leaves less text for the pieces after), so
// nothing is ever retried: the work is at most the text's length times the mask's.

export type MaskMatcher = (text: string) => boolean;

/** `?` in a literal piece matches any one character. */
function pieceAt(piece: string, text: string, at: number): boolean {
  for (let i = 0; i < piece.length; i++) {
    const c = piece.charCodeAt(i);
    if (c !== 0x3f && c !== text.charCodeAt(at + i)) return false;
  }
  return true;
}

/**
 * `work`, when given, counts the text positions at which a piece was tried: the invariant that makes
 * matching linear is that no position is tried twice, so the count never exceeds the text's length
 * plus one per piece (test/reliability/masks.test.ts checks it instead of timing the matcher).
 */
export function compileMask(mask: string, work?: { positions: number }): MaskMatcher {
  const pieces = mask.toLowerCase().split('*');
  const first = pieces[0]!;
  if (pieces.length === 1) return (text) => text.length === first.length && pieceAt(first, text.toLowerCase(), 0);
  const last = pieces[pieces.length - 1]!;
  const middle = pieces.slice(1, -1).filter((piece) => piece !== '');
  // The fewest characters a match needs: a longer mask is refused without reading the text.
  const needed = pieces.reduce((sum, piece) => sum + piece.length, 0);
  return (original) => {
    if (original.length < needed) return false;
    const text = original.toLowerCase();
    if (work) work.positions += 2;
    if (!pieceAt(first, text, 0) || !pieceAt(last, text, text.length - last.length)) return false;
    let from = first.length;
    const end = text.length - last.length;
    for (const piece of middle) {
      let at: number;
      if (piece.includes('?')) {
        at = from;
        while (at + piece.length <= end && !pieceAt(piece, text, at)) at++;
      } else {
        at = text.indexOf(piece, from);
        if (at < 0) {
          if (work) work.positions += text.length - from + 1;
          return false;
        }
      }
      if (work) work.positions += at - from + 1;
      if (at + piece.length > end) return false;
      from = at + piece.length;
    }
    return true;
  };
}

export function maskMatches(mask: string, text: string): boolean {
  return compileMask(mask)(text);
}
