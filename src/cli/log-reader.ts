import { promises as fsp, createReadStream } from 'fs';
import { Readable, pipeline } from 'stream';
import { createGunzip } from 'zlib';
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
 * Reads the events of one file, streaming: gzip (detected by its magic bytes, whatever the
 * name) is decompressed as it is read; JSON lines are parsed one line at a time; a file that is
 * one JSON document (CloudTrail writes each log file as a single line) is parsed whole, so
 * memory holds at most one document, never the whole input.
 *
 * A file is JSON lines when its first non-blank line is a complete JSON value; otherwise it is
 * read as one (for example pretty-printed) JSON document. Each value may be `{"Records": [...]}`,
 * an array, an EventBridge event, a CloudTrail record or a corpus entry `{"id", "record"}`.
 */
export async function readEventFile(file: string, sink: EventSink, options: ReadOptions = {}): Promise<FileReadResult> {
  const parser = new EventTextParser(sink, options.maxDocumentChars ?? DEFAULT_MAX_DOCUMENT_CHARS);
  let gzipped: boolean;
  try {
    gzipped = await startsWithGzipMagic(file);
  } catch (e) {
    return parser.result(`cannot read the file (${(e as Error).message})`);
  }
  const source = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
  let text: Readable = source;
  if (gzipped) {
    const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
    // pipeline() passes a read error of the file on to the gunzip stream, which the loop sees.
    pipeline(source, gunzip, () => undefined);
    text = gunzip;
  }
  text.setEncoding('utf8');
  let reported = 0;
  try {
    for await (const chunk of text) {
      if (options.onBytes && source.bytesRead > reported) {
        options.onBytes(source.bytesRead - reported);
        reported = source.bytesRead;
      }
      parser.push(chunk as string);
      if (parser.failure !== undefined) {
        text.destroy();
        source.destroy();
        break;
      }
    }
  } catch (e) {
    return parser.result(gzipped ? `truncated or corrupt gzip (${(e as Error).message})` : `cannot read the file (${(e as Error).message})`);
  } finally {
    if (options.onBytes && source.bytesRead > reported) options.onBytes(source.bytesRead - reported);
  }
  if (parser.failure === undefined) parser.end();
  return parser.result(parser.failure);
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
  /** No non-blank line seen yet. */
  UNDECIDED,
  LINES,
  DOCUMENT,
}

/** Splits text into JSON lines or one document as it arrives, and hands out the events. */
class EventTextParser {
  public failure: string | undefined;
  private mode = Mode.UNDECIDED;
  private pending: string[] = [];
  private pendingChars = 0;
  private line = 0;
  private events = 0;
  private skipped = 0;
  private readonly problems: string[] = [];
  private firstChunk = true;

  constructor(private readonly sink: EventSink, private readonly maxChars: number) {}

  public push(chunk: string): void {
    if (this.firstChunk) {
      this.firstChunk = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
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
