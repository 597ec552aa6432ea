import { createRequire } from 'node:module';
import { stopIdleConnectionPolling } from './idle-connections.js';
import { installLinearGrouping } from './linear-grouping.js';
import { installProduceEncoding } from './produce-encoding.js';

/**
 * The one place reviewflow loads kafkajs, so that three fixes to kafkajs 2.2.4 are in
 * place before any client exists: the producer groups a send's records by partition in
 * linear time (linear-grouping.ts) and encodes a produce request in one pass
 * (produce-encoding.ts), and idle connections stop waking every millisecond
 * (idle-connections.ts). Modules import kafkajs's values from here and only its types
 * from 'kafkajs' itself.
 */
const require = createRequire(import.meta.url);

const linearGrouping = installLinearGrouping(require);
const onePassProduceEncoding = installProduceEncoding(require);
const kafkajs = require('kafkajs') as typeof import('kafkajs');
const idleTimerStopped = stopIdleConnectionPolling();

/** Whether each fix took: a kafkajs upgrade that changes what they patch shows here. */
export const kafkajsFixes = { linearGrouping, onePassProduceEncoding, idleTimerStopped } as const;

export default kafkajs;
