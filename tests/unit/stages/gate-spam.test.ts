import { describe, expect, it } from 'vitest';
import { REASON, ruleReasons } from '../../../src/stages/gate-rules.js';
import { gateStage } from '../../../src/stages/gate.js';
import { cleanText } from '../../../src/text/normalize-text.js';
import { profileText } from '../../../src/stages/text-profile.js';

const thresholds = gateStage.options.parse({}) as Parameters<typeof ruleReasons>[2];
const reasonsOf = (raw: string): string[] => ruleReasons(1, profileText(cleanText(raw, { maxChars: 20_000 }).text), thresholds);

describe('gate spam rule', () => {
  it('gate quarantines a sales phrase with a link as spam, even after clean redacted the link', () => {
    expect(reasonsOf('BUY NOW!!! WORK FROM HOME $5000/WEEK http://deals.example.biz/1 LIMITED OFFER!!!')).toContain(REASON.spam);
    expect(reasonsOf('Great deal, click here: https://x.example.com/offer')).toContain(REASON.spam);
  });

  it('gate does not call a review spam for a link or an exclamation alone', () => {
    expect(reasonsOf('The pasta was great!! Photos at https://reviews.example.com/u/1')).not.toContain(REASON.spam);
    expect(reasonsOf('I would buy now if the price dropped, honestly a fine phone.')).not.toContain(REASON.spam);
  });
});
