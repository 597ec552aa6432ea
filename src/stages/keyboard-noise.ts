/**
 * Character-level noise that looks like real typing mistakes: a letter replaced by a
 * neighbouring key on a QWERTY keyboard, or two adjacent letters swapped.
 */

const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** Letter → letters on touching keys (same row left/right, rows above and below). */
const NEIGHBOURS: ReadonlyMap<string, string> = buildNeighbours();

function buildNeighbours(): Map<string, string> {
  const table = new Map<string, string>();
  ROWS.forEach((row, r) => {
    for (let c = 0; c < row.length; c++) {
      let near = (row[c - 1] ?? '') + (row[c + 1] ?? '');
      // Staggered rows: key c touches c-1..c of the row below's offset and c..c+1 above.
      for (const [other, from, to] of [
        [ROWS[r - 1], c, c + 1],
        [ROWS[r + 1], c - 1, c],
      ] as const) {
        if (other === undefined) continue;
        for (let k = from; k <= to; k++) near += other[k] ?? '';
      }
      table.set(row.charAt(c), near);
    }
  });
  return table;
}

export function keyboardNeighbours(letter: string): string {
  return NEIGHBOURS.get(letter.toLowerCase()) ?? '';
}

/**
 * One typo in `word`, chosen with `random`: neighbour-key substitution or an adjacent
 * swap of two different letters. Case is kept. Only ASCII letters are touched; a word
 * with fewer than two of them is returned unchanged.
 */
export function typo(word: string, random: () => number): string {
  const letters: number[] = [];
  for (let i = 0; i < word.length; i++) if (/[A-Za-z]/.test(word.charAt(i))) letters.push(i);
  if (letters.length < 2) return word;
  if (random() < 0.5) {
    const at = letters[Math.floor(random() * letters.length)] ?? 0;
    const original = word.charAt(at);
    const near = keyboardNeighbours(original);
    const replacement = near.charAt(Math.floor(random() * near.length));
    const cased = original === original.toUpperCase() ? replacement.toUpperCase() : replacement;
    return word.slice(0, at) + cased + word.slice(at + 1);
  }
  // Adjacent pairs of letters that differ, so the swap is visible.
  const pairs: number[] = [];
  for (let i = 0; i + 1 < word.length; i++) {
    if (/[A-Za-z]{2}/.test(word.slice(i, i + 2)) && word.charAt(i) !== word.charAt(i + 1)) pairs.push(i);
  }
  const at = pairs[Math.floor(random() * pairs.length)];
  if (at === undefined) return word;
  return word.slice(0, at) + word.charAt(at + 1) + word.charAt(at) + word.slice(at + 2);
}
