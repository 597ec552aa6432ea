import { describe, expect, it } from 'vitest';
import { cleanStage } from '../../../src/stages/clean.js';
import { cleanText } from '../../../src/text/normalize-text.js';
import { cleanOptions, dataPath, dataPresent, position, rawReview, readJsonl, runClean } from './helpers.js';

const IMDB = dataPath('uci-sentiment/imdb.jsonl');
const UCI_FILES = ['amazon_cells', 'imdb', 'yelp', 'all'].map((name) => dataPath(`uci-sentiment/${name}.jsonl`));
const RT = dataPath('rt-polarity/rt-polarity.jsonl');

/** Runs a whole file through one clean state, as one partition; counts the duplicates. */
function duplicatesIn(path: string): number {
  const options = cleanOptions();
  const state = cleanStage.createState(options);
  let duplicates = 0;
  readJsonl(path).forEach((record, offset) => {
    const emissions = runClean(rawReview(record.text, { id: record.id, label: record.label }), position(offset), options, state);
    if (emissions[0]?.kind === 'duplicate') duplicates++;
  });
  return duplicates;
}

describe.skipIf(!dataPresent(IMDB, RT, ...UCI_FILES))('clean on the real data sets', () => {
  it('clean maps the 8 UCI imdb lines with C1 controls to real punctuation', () => {
    const withC1 = readJsonl(IMDB).filter((r) => /[\u0080-\u009f]/.test(r.text));
    expect(withC1.map((r) => r.id)).toEqual(['imdb-0019', 'imdb-0179', 'imdb-0183', 'imdb-0518', 'imdb-0558', 'imdb-0761', 'imdb-0864', 'imdb-0968']);
    const cleaned = new Map(withC1.map((r) => [r.id, cleanText(r.text, { maxChars: 20_000 }).text]));
    for (const text of cleaned.values()) expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(cleaned.get('imdb-0019')).toBe('It\'s practically perfect in all of them – a true masterpiece in a sea of faux "masterpieces.');
    expect(cleaned.get('imdb-0179')).toBe('The script is…was there a script?');
    expect(cleaned.get('imdb-0558')).toBe("Let's start with all the problems—the acting, especially from the lead professor, was very, very bad.");
    expect(cleaned.get('imdb-0968')).toContain('Definitely worth seeing… it');
  });

  it('clean drops exactly the duplicate texts of each UCI file (amazon 10, imdb 3, yelp 4; 18 across all)', () => {
    // all.jsonl also repeats "Very disappointing." across the amazon and imdb files.
    expect(UCI_FILES.map(duplicatesIn)).toEqual([10, 3, 4, 18]);
  });

  it('clean finds no duplicates and no PII in rt-polarity, and keeps its tokenization', () => {
    const records = readJsonl(RT);
    expect(duplicatesIn(RT)).toBe(0);
    const cleaned = records.map((r) => cleanText(r.text, { maxChars: 20_000 }));
    expect(cleaned.filter((c) => Object.values(c.redactions).some((n) => n > 0))).toEqual([]);
    expect(cleaned[1]?.text).toBe("it's so laddish and juvenile , only teenage boys could possibly find it funny .");
  });
});
