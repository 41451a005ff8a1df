import { createReadStream, promises as fsp, readFileSync, statSync } from 'fs';
import { Readable } from 'stream';
import { createGunzip, gunzipSync } from 'zlib';
import { envelopeForRecord, isCloudTrailRecord, isEventBridgeEvent, isJsonObject, JsonObject } from './cloudtrail-envelope';

/**
 * Receives each event read from a file.
 *
 * @param event the EventBridge event (a CloudTrail record arrives wrapped in its envelope)
 * @param line 1-based line of a JSON-lines file; 0 when the file is one JSON document
 * @param index 0-based position in the `Records` array or JSON array the event came from; 0 for a lone object
 * @param entryId the corpus id, for entries of the project's corpus format (`{"id": …, "record": {…}}`)
 */
export type EventSink = (event: JsonObject, line: number, index: number, entryId: string | undefined) => void;

/** What reading one file gave. */
export interface FileReadResult {
  /** Events passed to the sink. */
  readonly events: number;
  /** Entries that were neither a CloudTrail record nor an EventBridge event, or JSON lines that did not parse. */
  readonly skippedEntries: number;
  /** Why entries were skipped: the first few, each with its line or position. */
  readonly entryProblems: string[];
  /**
   * Why the whole file could not be used (truncated or corrupt gzip, invalid JSON, a shape that
   * is not CloudTrail records or events, unreadable). When set, the events already passed to the
   * sink belong to a file that is skipped: the caller discards them.
   */
  readonly error?: string;
}

/** Options for reading a file. */
export interface ReadOptions {
  /** Called as compressed (on-disk) bytes are read, with the number of new bytes. */
  readonly onBytes?: (bytes: number) => void;
  /**
   * Longest JSON document (or JSON line) held in memory, in characters. CloudTrail log files are
   * far smaller; the cap keeps one odd file from exhausting memory.
   */
  readonly maxDocumentChars?: number;
  /**
   * Files up to this many characters are parsed as one document first (see `readEventFile`);
   * larger ones are scanned for lines as they arrive.
   */
  readonly holdChars?: number;
  /** Files up to this many bytes on disk are read whole (default `WHOLE_FILE_BYTES`; see `readWhole`). */
  readonly wholeFileBytes?: number;
  /** Decompressed text read whole at most (default `WHOLE_TEXT_BYTES`); a file that would give more is streamed. */
  readonly wholeTextBytes?: number;
}

/** Default for `ReadOptions.maxDocumentChars`: 256 Mi characters (V8 strings stop near 512 Mi). */
export const DEFAULT_MAX_DOCUMENT_CHARS = 256 * 1024 * 1024;
/** Bytes read from disk at a time, and decompressed at a time: large chunks keep per-chunk overhead negligible. */
const READ_CHUNK_BYTES = 1024 * 1024;
const GUNZIP_CHUNK_BYTES = 256 * 1024;
/** Entry problems kept per file; the rest are only counted. */
const MAX_PROBLEMS_KEPT = 5;
const EXPECTED_SHAPES = 'expected CloudTrail records as S3 delivers them ({"Records": [...]}), an EventBridge event, a CloudTrail record, '
  + 'a JSON array of them, or JSON lines of them';

/**
 * Reads the events of one file: a file of up to 8 MiB (every CloudTrail log file) is read and
 * decompressed in one go (`readWhole`), a larger one streamed, gzip decompressed as it is read;
 * either way JSON lines are parsed one line at a time and a file that is one JSON document
 * (CloudTrail writes each log file as a single line) is parsed whole, so memory holds at most one
 * file, never the whole input.
 *
 * Gzip is recognised by the name (`.gz`) and, for other names, by its magic bytes; a `.gz` file
 * that turns out not to be gzip is read as text.
 *
 * A file of up to `HOLD_CHARS` characters is parsed as one JSON document first and, when that
 * fails, read as JSON lines: most files (CloudTrail's) are one document, and are then never
 * scanned for line breaks. A larger file is JSON lines when its first non-blank line is a
 * complete JSON value, and otherwise one (for example pretty-printed) document. Each value may be
 * `{"Records": [...]}`, an array, an EventBridge event, a CloudTrail record or a corpus entry
 * `{"id", "record"}`.
 */
export async function readEventFile(file: string, sink: EventSink, options: ReadOptions = {}): Promise<FileReadResult> {
  const whole = readWhole(file, sink, options);
  if (whole !== undefined) return whole;
  let gzipped = GZIP_NAME.test(file);
  if (!gzipped) {
    try {
      gzipped = await startsWithGzipMagic(file);
    } catch (e) {
      return new EventTextParser(sink, 0).result(`cannot read the file (${(e as Error).message})`);
    }
  }
  const first = await readStream(file, gzipped, sink, options);
  if (first.notGzip) return (await readStream(file, false, sink, options)).result;
  return first.result;
}

/**
 * Files up to this many bytes on disk are read, decompressed and decoded in one call each
 * (`readWhole`); larger ones are streamed. CloudTrail log files are far smaller.
 */
const WHOLE_FILE_BYTES = 8 * 1024 * 1024;
/** Decompressed text read whole at most; a file that would decompress to more is streamed. */
const WHOLE_TEXT_BYTES = 64 * 1024 * 1024;

/**
 * Reads a small file in one go: `readFileSync`, `gunzipSync` and one UTF-8 decoding, then the same
 * parser as the stream. This is the common case (CloudTrail log files are kilobytes to a few
 * megabytes) and the fast one: measured on the 1,000,000-event set of bench:backtest, gunzip +
 * JSON.parse in one call each runs about 1.4x the rate of a read stream piped through a gunzip
 * stream, and, as all its work stays on the calling thread (the streams hand each chunk to
 * libuv's pool and back), threads reading files side by side keep their cores busy. Blocking is
 * bounded by the file's size, and the backtest's worker threads are the default. Returns undefined
 * when the file is larger, cannot be read (the stream then reports why), or would decompress to
 * more than `WHOLE_TEXT_BYTES`: then the file is streamed.
 */
function readWhole(file: string, sink: EventSink, options: ReadOptions): FileReadResult | undefined {
  let bytes: Buffer;
  try {
    if (statSync(file).size > (options.wholeFileBytes ?? WHOLE_FILE_BYTES)) return undefined;
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const parser = new EventTextParser(sink, options.maxDocumentChars ?? DEFAULT_MAX_DOCUMENT_CHARS, options.holdChars ?? HOLD_CHARS);
  let text = bytes;
  const magic = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  // A `.gz` name or gzip's magic bytes; a `.gz` file that is not gzip is read as text, as streamed.
  if (magic || GZIP_NAME.test(file)) {
    const limit = options.wholeTextBytes ?? WHOLE_TEXT_BYTES;
    // A gzip member ends with ISIZE, its text's length modulo 2^32 (RFC 1952, section 2.3.1): a
    // file that says it is too long is streamed without decompressing it here first. (Of several
    // members, only the last one's is there: `maxOutputLength` stops the others.)
    if (magic && bytes.length >= 18 && bytes.readUInt32LE(bytes.length - 4) > limit) return undefined;
    try {
      text = gunzipSync(bytes, { maxOutputLength: limit });
    } catch (e) {
      const error = e as NodeJS.ErrnoException;
      if (error.code === 'ERR_BUFFER_TOO_LARGE') return undefined;
      if (!(error.code === 'Z_DATA_ERROR' && /header/.test(error.message))) {
        options.onBytes?.(bytes.length);
        return parser.result(`truncated or corrupt gzip (${error.message})`);
      }
    }
  }
  // Reported only once the file is read here (a file left to the stream reports its bytes there).
  options.onBytes?.(bytes.length);
  parser.push(text.toString('utf8'));
  if (parser.failure === undefined) parser.end();
  return parser.result(parser.failure);
}

const GZIP_NAME = /\.gz$/i;
/** Files up to this many characters are parsed whole first (see readEventFile). */
export const HOLD_CHARS = 16 * 1024 * 1024;

/** What one read of a file gave; `notGzip` when a `.gz` name held no gzip (then it is read again as text). */
interface StreamOutcome {
  readonly result: FileReadResult;
  readonly notGzip?: boolean;
}

async function readStream(file: string, gzipped: boolean, sink: EventSink, options: ReadOptions): Promise<StreamOutcome> {
  const parser = new EventTextParser(sink, options.maxDocumentChars ?? DEFAULT_MAX_DOCUMENT_CHARS, options.holdChars ?? HOLD_CHARS);
  const source = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
  let text: Readable = source;
  if (gzipped) {
    const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
    // A read error of the file ends the gunzip stream with it, so that the loop sees it.
    source.on('error', (e) => gunzip.destroy(e));
    source.pipe(gunzip);
    text = gunzip;
  }
  text.setEncoding('utf8');
  let reported = 0;
  let received = false;
  try {
    for await (const chunk of text) {
      received = true;
      if (options.onBytes && source.bytesRead > reported) {
        options.onBytes(source.bytesRead - reported);
        reported = source.bytesRead;
      }
      parser.push(chunk as string);
      if (parser.failure !== undefined) break;
    }
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    if (gzipped && !received && error.code === 'Z_DATA_ERROR' && /header/.test(error.message)) {
      return { result: parser.result(undefined), notGzip: true };
    }
    // Errors of zlib have Z_* codes; the others come from reading the file.
    const zlib = typeof error.code === 'string' && error.code.startsWith('Z_');
    return { result: parser.result(zlib ? `truncated or corrupt gzip (${error.message})` : `cannot read the file (${error.message})`) };
  } finally {
    source.destroy();
    text.destroy();
    if (options.onBytes && source.bytesRead > reported) options.onBytes(source.bytesRead - reported);
  }
  if (parser.failure === undefined) parser.end();
  return { result: parser.result(parser.failure) };
}

/**
 * Parses the events of a text (a string holding a whole file), with the same rules as
 * `readEventFile`. For small inputs such as one event file given to `preview`.
 */
export function parseEventText(content: string, sink: EventSink): FileReadResult {
  const parser = new EventTextParser(sink, DEFAULT_MAX_DOCUMENT_CHARS);
  parser.push(content);
  if (parser.failure === undefined) parser.end();
  return parser.result(parser.failure);
}

async function startsWithGzipMagic(file: string): Promise<boolean> {
  const handle = await fsp.open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

enum Mode {
  /** Holding the text of a small file, to parse it whole at the end. */
  HOLDING,
  /** Scanning for lines; no non-blank line seen yet. */
  UNDECIDED,
  LINES,
  DOCUMENT,
}

/** Splits text into JSON lines or one document as it arrives, and hands out the events. */
class EventTextParser {
  public failure: string | undefined;
  private mode = Mode.HOLDING;
  private pending: string[] = [];
  private pendingChars = 0;
  private line = 0;
  private events = 0;
  private skipped = 0;
  private readonly problems: string[] = [];
  private firstChunk = true;

  constructor(private readonly sink: EventSink, private readonly maxChars: number, private readonly holdChars = HOLD_CHARS) {}

  public push(chunk: string): void {
    if (this.firstChunk) {
      this.firstChunk = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    if (this.mode === Mode.HOLDING) {
      this.hold(chunk);
      if (this.pendingChars <= this.holdChars || this.failure !== undefined) return;
      // A large file: from here on, find its lines as they arrive.
      this.mode = Mode.UNDECIDED;
      chunk = this.takePending();
    }
    if (this.mode === Mode.DOCUMENT) {
      this.hold(chunk);
      return;
    }
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf('\n', start);
      if (newline < 0) break;
      const piece = chunk.slice(start, newline);
      const lineText = this.pending.length === 0 ? piece : this.takePending() + piece;
      start = newline + 1;
      this.line++;
      this.handleLine(lineText);
      if (this.failure !== undefined) return;
      // handleLine may have switched the mode (TypeScript cannot see that through the call).
      if ((this.mode as Mode) === Mode.DOCUMENT) {
        this.hold(chunk.slice(start));
        return;
      }
    }
    if (start < chunk.length) this.hold(start === 0 ? chunk : chunk.slice(start));
  }

  public end(): void {
    if (this.mode === Mode.HOLDING) {
      const text = this.takePending();
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        // Not one document: JSON lines (or invalid JSON, which reading it line by line reports).
        this.mode = Mode.UNDECIDED;
        this.push(text);
        if (this.failure !== undefined) return;
        this.end();
        return;
      }
      const shapeProblem = this.deliver(value, 0);
      if (shapeProblem !== undefined) this.failure = `wrong shape: ${shapeProblem}`;
      return;
    }
    if (this.mode !== Mode.DOCUMENT && this.pending.length > 0) {
      // The last line, without a newline after it (it may turn out to start a document).
      this.line++;
      this.handleLine(this.takePending());
    }
    if ((this.mode as Mode) === Mode.DOCUMENT) {
      const text = this.takePending();
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        this.failure = `invalid JSON (${(e as Error).message})`;
        return;
      }
      const shapeProblem = this.deliver(value, 0);
      if (shapeProblem !== undefined) this.failure = `wrong shape: ${shapeProblem}`;
    }
  }

  public result(error: string | undefined): FileReadResult {
    // A file that gave nothing but problems is a file of the wrong kind: report it as such.
    if (error === undefined && this.events === 0 && this.skipped > 0) {
      error = this.problems[0];
    }
    return {
      events: this.events,
      skippedEntries: this.skipped,
      entryProblems: this.problems,
      ...(error !== undefined ? { error } : {}),
    };
  }

  private hold(text: string): void {
    if (text.length === 0) return;
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars > this.maxChars) {
      this.failure = `a single JSON document or line is longer than ${this.maxChars} characters; split the file (JSON lines are read one line at a time)`;
      this.pending = [];
      this.pendingChars = 0;
    }
  }

  private takePending(): string {
    const text = this.pending.length === 1 ? this.pending[0] : this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    return text;
  }

  private handleLine(text: string): void {
    if (this.mode === Mode.UNDECIDED) {
      if (text.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        // Not a complete value on one line: the file is one (multi-line) JSON document.
        this.mode = Mode.DOCUMENT;
        this.hold(text + '\n');
        return;
      }
      this.mode = Mode.LINES;
      this.deliverLine(value);
      return;
    }
    if (text.length === 0 || text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.problem(`line ${this.line}: invalid JSON (${(e as Error).message})`);
      return;
    }
    this.deliverLine(value);
  }

  private deliverLine(value: unknown): void {
    const shapeProblem = this.deliver(value, this.line);
    if (shapeProblem !== undefined) this.problem(`line ${this.line}: wrong shape: ${shapeProblem}`);
  }

  /** Passes on the events of one parsed value; returns why the value as a whole has the wrong shape. */
  private deliver(value: unknown, line: number): string | undefined {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) this.entry(value[i], line, i, `[${i}]`);
      return undefined;
    }
    if (isJsonObject(value) && Array.isArray(value.Records)) {
      const records = value.Records;
      for (let i = 0; i < records.length; i++) this.entry(records[i], line, i, `Records[${i}]`);
      return undefined;
    }
    if (entryKind(value) !== EntryKind.NONE) {
      this.entry(value, line, 0, '');
      return undefined;
    }
    return `${EXPECTED_SHAPES}; found ${describeValue(value)}`;
  }

  private entry(value: unknown, line: number, index: number, where: string): void {
    switch (entryKind(value)) {
      case EntryKind.EVENT:
        this.events++;
        this.sink(value as JsonObject, line, index, undefined);
        return;
      case EntryKind.RECORD:
        this.events++;
        this.sink(envelopeForRecord(value as JsonObject), line, index, undefined);
        return;
      case EntryKind.CORPUS_ENTRY: {
        const entry = value as JsonObject;
        this.events++;
        this.sink(envelopeForRecord(entry.record as JsonObject), line, index, typeof entry.id === 'string' ? entry.id : undefined);
        return;
      }
      default: {
        const at = [line > 0 ? `line ${line}` : '', where].filter((s) => s !== '').join(' ');
        this.problem(`${at}: not a CloudTrail record (needs eventSource and eventName) or an EventBridge event (needs source, detail-type and detail); found ${describeValue(value)}`);
      }
    }
  }

  private problem(message: string): void {
    this.skipped++;
    if (this.problems.length < MAX_PROBLEMS_KEPT) this.problems.push(message);
  }
}

enum EntryKind {
  NONE,
  EVENT,
  RECORD,
  CORPUS_ENTRY,
}

function entryKind(value: unknown): EntryKind {
  if (isEventBridgeEvent(value)) return EntryKind.EVENT;
  if (isCloudTrailRecord(value)) return EntryKind.RECORD;
  if (isJsonObject(value) && isCloudTrailRecord(value.record)) return EntryKind.CORPUS_ENTRY;
  return EntryKind.NONE;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') {
    const keys = Object.keys(value as object);
    if (keys.length === 0) return 'an empty object';
    const shown = keys.slice(0, 6).join(', ');
    return `an object with keys ${shown}${keys.length > 6 ? ', …' : ''}`;
  }
  return `a ${typeof value} (${JSON.stringify(value).slice(0, 40)})`;
}
