export type { LineParser, NormalisedEntry, ParseOutcome } from './entry.js';
export { PARSERS, auditEntry, formatAuditEvent, parseAudit, parseCaddyAccess, parseCaddyError, parseCorazaAudit, parseModSecurityAudit, type AuditEvent } from './parsers/index.js';
export { MAX_LINE_BYTES, parseLineBytes } from './line.js';
export { LineSplitter, type SplitLine } from './line-splitter.js';
export { contentHash } from './content-hash.js';
export { blockable, packBlock, resolveRaw, unpackBlock } from './raw-blocks.js';
export { addressSearchKey, buildAddressFilter, candidateBlocks, candidateLines, filterMayHold, newestAcrossBlocks, type BlockLines, type BlockParts, type CandidateBlock } from './block-filters.js';
export { HostResolver } from './host-resolver.js';
export { rollupDeltas, MINUTE_MS } from './rollups.js';
export { FACET_ROLLUP_COLUMNS, HOUR_MS, flushFacetRollups, hourOf } from './facet-rollups.js';
export { topFacetValues, type FacetCount } from './facet-top.js';
export {
  LONG_RUNNING_WRITER,
  RecordWriter,
  SourceRewindError,
  type BatchSummary,
  type RecordWriterOptions,
  type RejectRecord,
  type SourceProgress,
  type WriteItem,
  type WriteOutcome,
} from './record-writer.js';
export { ensureFileSource, loadSource, type FileSourceConfig, type SourceState } from './sources.js';
export { FileTailer, type FileTailerOptions, type TailerStats } from './file-tailer.js';
export { importFile, type ImportOptions, type ImportReport } from './import-file.js';
export { ingestBatch, type BatchReport, type LineResult } from './ingest-batch.js';
export { pruneLogs, RetentionWorker, DEFAULT_RETENTION, type RetentionReport, type RetentionSettings } from './retention.js';
