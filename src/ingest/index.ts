export { readRecords, type ReadRecordsOptions } from './read-records.js';
export { validateReview, labelFromRating, deriveId, type ValidationContext, type ValidationResult } from './validate.js';
export { DEFAULT_INGEST_LIMITS, resolveLimits } from './limits.js';
export { LineSplitter, withoutBom, type SplitLine } from './line-splitter.js';
export { CsvRowSplitter, type CsvRow } from './csv-splitter.js';
export { INPUT_FORMATS, type InputFormat, type IngestLimits, type ParsedLine, type ByteStream } from './types.js';
export { IngestProducer, contentKey, type IngestProducerOptions, type IngestSummary, type RecordError } from './ingest-producer.js';
export { registryValueEncoder, valueSubject, type ValueEncoder } from './registry-encoder.js';
