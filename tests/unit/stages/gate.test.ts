import { describe, expect, it } from 'vitest';
import { gateStage, GateState, type GateOptions } from '../../../src/stages/gate.js';
import { hammingDistance, simhash } from '../../../src/stages/simhash.js';
import { profileText } from '../../../src/stages/text-profile.js';
import { gateOptions, position, quarantineReasons, review, runGate } from './helpers.js';

const LONG = 'I bought this phone for my daughter and she loves it , the battery lasts two days and the screen is bright and sharp even outside in the sun , shipping was fast and the price was fair';
/** LONG with its first word replaced: SimHash distance 1 from LONG. */
const LONG_EDITED = LONG.replace(/^I /, 'zebra ');

function gateOnce(text: string, overrides: Partial<Parameters<typeof review>[1]> = {}, options: Partial<GateOptions> = {}): string[] {
  const opts = gateOptions(options);
  return quarantineReasons(runGate(review(text, overrides), position(0), opts, gateStage.createState(opts)));
}

describe('gate rules', () => {
  it('gate accepts an ordinary review and appends gate to its lineage', () => {
    const opts = gateOptions();
    const emissions = runGate(review('A fine film with a clumsy ending.', { id: 'ok-1' }), position(4), opts, gateStage.createState(opts));
    expect(emissions).toHaveLength(1);
    const [first] = emissions;
    expect(first?.kind).toBe('out');
    if (first?.kind === 'out') expect(first.review.lineage.stages).toEqual(['clean', 'augment', 'gate']);
  });

  it.each<[string, string, Partial<Parameters<typeof review>[1]>, Partial<GateOptions>, string[]]>([
    ['too-short', 'x', {}, {}, ['too-short']],
    ['too-short and no-text (empty after cleaning)', '', {}, {}, ['too-short', 'no-text']],
    ['too-long', 'good movie '.repeat(1_500).trim(), {}, {}, ['too-long']],
    ['missing-label', 'a fine film', { label: null }, {}, ['missing-label']],
    ['invalid-label', 'a fine film', { label: 2 }, {}, ['invalid-label']],
    ['gibberish (no vowels)', 'xkcd qrtzp bcdfg hjklm', {}, {}, ['gibberish']],
    ['gibberish (a 50-letter token)', 'abcdefghij'.repeat(5), {}, {}, ['gibberish']],
    ['char-repetition', `s${'o'.repeat(25)} good movie`, {}, {}, ['char-repetition']],
    ['url-density', 'buy [url] [url] now', {}, {}, ['url-density']],
    ['punctuation-density', 'ok ?!?! ... !!! great', {}, { minLetterRatio: 0 }, ['punctuation-density']],
    ['non-text', '10/10 5/5', {}, {}, ['non-text']],
    ['language (opt-in)', 'Der Film war wirklich sehr gut und spannend', {}, { language: true }, ['language']],
  ])('gate quarantines %s', (_name, text, overrides, options, reasons) => {
    expect(gateOnce(text, overrides, options)).toEqual(reasons);
  });

  it('gate lists every failing reason of a record', () => {
    expect(gateOnce('!!!!!!!!!!!!!!!!!!!!!!!!!', { label: null })).toEqual(['too-short', 'missing-label', 'char-repetition', 'punctuation-density', 'non-text']);
  });

  it('gate leaves the language check off by default', () => {
    expect(gateOnce('Der Film war wirklich sehr gut und spannend')).toEqual([]);
  });

  it('gate options fill defaults and reject bad values instead of clamping them', () => {
    const defaults = gateStage.options.parse({});
    expect([defaults.nearDupWindow, defaults.nearDupDistance, defaults.metricsWindow, defaults.metricsIntervalMs, defaults.language]).toEqual([50_000, 3, 1_000, null, false]);
    for (const bad of [{ nearDupDistance: 4 }, { nearDupWindow: 0 }, { maxPunctuationRatio: 1.2 }, { minChars: -1 }, { metricsWindow: 2.5 }, { language: 'yes' }, { maxchars: 10 }]) {
      expect(gateStage.options.safeParse(bad).success).toBe(false);
    }
  });
});

describe('gate near-duplicate window', () => {
  it('gate flags a text within SimHash distance 3 of a recent accepted one', () => {
    expect(hammingDistance(simhash(profileText(LONG).tokenHashes), simhash(profileText(LONG_EDITED).tokenHashes))).toBeLessThanOrEqual(3);
    const opts = gateOptions();
    const state = gateStage.createState(opts);
    expect(quarantineReasons(runGate(review(LONG), position(1), opts, state))).toEqual([]);
    expect(quarantineReasons(runGate(review(LONG_EDITED, { id: 'r-2' }), position(2), opts, state))).toEqual(['near-duplicate']);
    expect(quarantineReasons(runGate(review(LONG.toUpperCase(), { id: 'r-3' }), position(3), opts, state))).toEqual(['near-duplicate']);
    expect(quarantineReasons(runGate(review('terrible service , the waiter ignored us for an hour and the soup was cold'), position(4), opts, state))).toEqual([]);
  });

  it('gate treats the same record at the same offset as a replay, not a near duplicate', () => {
    const opts = gateOptions();
    const state = gateStage.createState(opts);
    expect(quarantineReasons(runGate(review(LONG), position(7, 2), opts, state))).toEqual([]);
    expect(quarantineReasons(runGate(review(LONG), position(7, 2), opts, state))).toEqual([]);
    expect(quarantineReasons(runGate(review(LONG), position(8, 2), opts, state))).toEqual(['near-duplicate']);
    expect(quarantineReasons(runGate(review(LONG), position(7, 1), opts, state))).toEqual(['near-duplicate']);
  });

  it('gate exempts augmented copies from the near-duplicate check and keeps them out of the window', () => {
    const opts = gateOptions();
    const state = gateStage.createState(opts);
    runGate(review(LONG), position(1), opts, state);
    expect(quarantineReasons(runGate(review(LONG_EDITED, { id: 'r-1~aug1', augmented: true, parentId: 'r-1' }), position(2), opts, state))).toEqual([]);
    expect(state.nearDuplicates.size).toBe(1);
  });

  it('gate keeps quarantined records and very short texts out of the window', () => {
    const opts = gateOptions();
    const state = gateStage.createState(opts);
    runGate(review(LONG, { label: null }), position(1), opts, state);
    runGate(review('Great phone.'), position(2), opts, state);
    expect(state.nearDuplicates.size).toBe(0);
    expect(quarantineReasons(runGate(review('Great phone!'), position(3), opts, state))).toEqual([]);
  });

  it('gate forgets fingerprints evicted from a full window', () => {
    const opts = gateOptions({ nearDupWindow: 1 });
    const state = gateStage.createState(opts);
    runGate(review(LONG), position(1), opts, state);
    runGate(review('terrible service , the waiter ignored us for an hour and the soup was cold'), position(2), opts, state);
    expect(quarantineReasons(runGate(review(LONG_EDITED), position(3), opts, state))).toEqual([]);
  });

  it('gate state replayed from its changelog gives the same decisions', () => {
    const opts = gateOptions({ nearDupWindow: 2 });
    const original = gateStage.createState(opts);
    const texts = [LONG, 'terrible service , the waiter ignored us for an hour and the soup was cold', 'the pasta was overcooked but the dessert made up for it completely'];
    texts.forEach((text, i) => runGate(review(text), position(i), opts, original));
    const restored = new GateState(opts);
    for (const [key, value] of original.drainChanges()) restored.apply(key, value);
    expect(restored.nearDuplicates.size).toBe(2);
    const probes: Array<[string, number]> = [
      [LONG_EDITED, 10], // LONG was evicted: new again (and evicts texts[1])
      [texts[2] ?? '', 11], // in the window, another offset: near duplicate
      [texts[2] ?? '', 2], // in the window, its own offset: a replay
    ];
    const decide = (state: GateState): string[][] => probes.map(([text, offset]) => quarantineReasons(runGate(review(text), position(offset), opts, state)));
    expect(decide(restored)).toEqual([[], ['near-duplicate'], []]);
    expect(decide(original)).toEqual(decide(restored));
  });
});
