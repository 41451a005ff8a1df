import * as fs from 'fs';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { corpusRecord, FIXTURES, tempDir, truncateFile, writeCloudTrailLog, writeGzip, writeText } from './cli-test-support';
import { JsonObject } from '../../src/cli/cloudtrail-envelope';
import { findLogFiles } from '../../src/cli/log-files';
import { FileReadResult, parseEventText, readEventFile, ReadOptions } from '../../src/cli/log-reader';

const dir = tempDir();
const createUser = corpusRecord('ct-005');
const signIn = corpusRecord('ct-000');
const getGroup = corpusRecord('ct-070');

interface Read {
  readonly result: FileReadResult;
  readonly events: JsonObject[];
  readonly positions: Array<[number, number, string | undefined]>;
}

/**
 * How the reader is run: files read whole (the default for files up to 8 MiB, every test file
 * here), streamed (as larger files are), or read whole first and streamed when the text turns out
 * larger than the limit. Every test of the two groups below runs in each way, with the same result.
 */
const WAYS: ReadonlyArray<[string, ReadOptions]> = [
  ['read whole', {}],
  ['streamed', { wholeFileBytes: -1 }],
  ['streamed once the text exceeds the whole-read limit', { wholeTextBytes: 64 }],
];
let way: ReadOptions = {};

async function read(file: string, maxDocumentChars?: number, holdChars?: number): Promise<Read> {
  return readWithOptions(file, { ...way, maxDocumentChars, holdChars });
}

async function readWithOptions(file: string, options: ReadOptions): Promise<Read> {
  const events: JsonObject[] = [];
  const positions: Array<[number, number, string | undefined]> = [];
  const result = await readEventFile(file, (event, line, index, id) => {
    events.push(event);
    positions.push([line, index, id]);
  }, options);
  return { result, events, positions };
}

describe.each(WAYS)('files %s', (_name, options) => {
  beforeAll(() => { way = options; });
  afterAll(() => { way = {}; });

  describe('CloudTrail log files as S3 delivers them', () => {
    test('a gzipped {"Records": [...]} file gives each record in its EventBridge envelope', async () => {
      const file = writeCloudTrailLog(path.join(dir, 's3', 'log.json.gz'), [createUser, signIn]);
      const { result, events } = await read(file);
      expect(result).toEqual({ events: 2, skippedEntries: 0, entryProblems: [] });
      expect(events.map((e) => [e.source, e.detail])).toEqual([['aws.iam', createUser], ['aws.signin', signIn]]);
    });

    test('gzip is recognised by its content, whatever the file name', async () => {
      const file = writeCloudTrailLog(path.join(dir, 's3', 'misnamed.json'), [createUser]);
      expect((await read(file)).result.events).toBe(1);
    });

    test('a .gz file that is not gzip is read as text', async () => {
      const file = writeText(path.join(dir, 's3', 'plain.json.gz'), JSON.stringify({ Records: [createUser] }));
      expect((await read(file)).result).toEqual({ events: 1, skippedEntries: 0, entryProblems: [] });
    });

    test('reports the bytes read from disk', async () => {
      const file = writeCloudTrailLog(path.join(dir, 's3', 'bytes.json.gz'), [createUser, signIn, getGroup]);
      let bytes = 0;
      await readEventFile(file, () => undefined, { ...way, onBytes: (n) => { bytes += n; } });
      expect(bytes).toBe(fs.statSync(file).size);
    });

    test('a truncated gzip is a file error naming the cause', async () => {
      const file = writeCloudTrailLog(path.join(dir, 'bad', 'truncated.json.gz'), [createUser, signIn, getGroup]);
      truncateFile(file, Math.floor(fs.statSync(file).size / 2));
      const { result } = await read(file);
      expect(result.error).toMatch(/^truncated or corrupt gzip \(unexpected end of file\)$/);
    });

    test('a Records file that is not JSON is a file error', async () => {
      const file = writeGzip(path.join(dir, 'bad', 'invalid.json.gz'), '{"Records": [{"eventName": "CreateUser",');
      expect((await read(file)).result.error).toMatch(/^invalid JSON \(/);
    });

    test('JSON of another shape is a file error saying what was expected and what was found', async () => {
      const file = writeGzip(path.join(dir, 'bad', 'shape.json.gz'), '{"digestStartTime": "2024-01-01T00:00:00Z", "logFiles": []}');
      expect((await read(file)).result.error).toBe('wrong shape: expected CloudTrail records as S3 delivers them ({"Records": [...]}), '
      + 'an EventBridge event, a CloudTrail record, a JSON array of them, or JSON lines of them; found an object with keys digestStartTime, logFiles');
    });

    test('an entry of Records that is no record is skipped, the others are read', async () => {
      const file = writeCloudTrailLog(path.join(dir, 's3', 'mixed.json.gz'), [createUser, { hello: 'world' }, signIn]);
      const { result } = await read(file);
      expect(result.events).toBe(2);
      expect(result.skippedEntries).toBe(1);
      expect(result.entryProblems[0]).toMatch(/^Records\[1\]: not a CloudTrail record/);
    });

    test('a pretty-printed Records file is read as one document', async () => {
      const file = writeText(path.join(dir, 's3', 'pretty.json'), JSON.stringify({ Records: [createUser, signIn] }, null, 2));
      const { result, positions } = await read(file);
      expect([result.events, positions]).toEqual([2, [[0, 0, undefined], [0, 1, undefined]]]);
    });

    test('a pretty-printed document of another shape is a file error', async () => {
      const file = writeText(path.join(dir, 'bad', 'pretty-shape.json'), JSON.stringify({ Resources: {} }, null, 2));
      expect((await read(file)).result.error).toMatch(/^wrong shape: expected CloudTrail records .* found an object with keys Resources$/);
    });

    test('a document longer than the limit is a file error', async () => {
      const file = writeCloudTrailLog(path.join(dir, 's3', 'long.json.gz'), [createUser, signIn]);
      expect((await read(file, 1000)).result.error).toMatch(/longer than 1000 characters/);
    });

    test('a file that does not exist is a file error', async () => {
      expect((await read(path.join(dir, 'nowhere.json.gz'))).result.error).toMatch(/^cannot read the file/);
    });
  });

  describe('JSON lines', () => {
    test('each line is a record, an event or a Records object, with its line number', async () => {
      const event = { 'version': '0', 'id': 'x', 'detail-type': 'AWS API Call via CloudTrail', 'source': 'aws.iam', 'detail': getGroup };
      const text = [JSON.stringify(createUser), '', JSON.stringify(event), JSON.stringify({ Records: [signIn] })].join('\n') + '\n';
      const file = writeGzip(path.join(dir, 'lines', 'mixed.jsonl.gz'), text);
      const { result, events, positions } = await read(file);
      expect(result.events).toBe(3);
      expect(events.map((e) => (e.detail as JsonObject).eventName)).toEqual(['CreateUser', 'GetGroup', 'ConsoleLogin']);
      expect(positions).toEqual([[1, 0, undefined], [3, 0, undefined], [4, 0, undefined]]);
    });

    test('a line that is not JSON is skipped with its number; the rest is read', async () => {
      const file = writeText(path.join(dir, 'lines', 'broken.jsonl'), `${JSON.stringify(createUser)}\n{"eventName": \n${JSON.stringify(signIn)}`);
      const { result } = await read(file);
      expect(result.events).toBe(2);
      expect(result.entryProblems).toEqual([expect.stringMatching(/^line 2: invalid JSON/)]);
    });

    test('a large file is read line by line as it arrives, lines split correctly across chunks, multi-byte characters included', async () => {
      const records = Array.from({ length: 3000 }, (_, i) => ({ ...createUser, eventID: `id-${i}`, userAgent: `agent ✓ ${'é'.repeat(i % 50)}` }));
      const file = writeGzip(path.join(dir, 'lines', 'many.jsonl.gz'), records.map((r) => JSON.stringify(r)).join('\n'));
      // 1000 characters stand for the 16 Mi a real run holds before it looks for lines; the chunks are 256 KiB.
      const { events, positions } = await read(file, undefined, 1000);
      expect(events.map((e) => (e.detail as JsonObject).userAgent)).toEqual(records.map((r) => r.userAgent));
      expect(positions[2999]).toEqual([3000, 0, undefined]);
    });

    test('gzip of several members (concatenated gzip files) is read through to the end', async () => {
      // The last member is a line break: the length at the end of the file is not the whole text's,
      // so only the limit of the decompression itself sends this file to the stream.
      const records = Array.from({ length: 40 }, (_, i) => JSON.stringify({ ...createUser, eventID: `id-${i}` }));
      const file = path.join(dir, 'lines', 'members.jsonl.gz');
      fs.writeFileSync(file, Buffer.concat([gzipSync(records.join('\n')), gzipSync('\n')]));
      const { result, positions } = await read(file);
      expect([result, positions[39]]).toEqual([{ events: 40, skippedEntries: 0, entryProblems: [] }, [40, 0, undefined]]);
    });

    test('a small JSON-lines file is read the same way', async () => {
      const records = Array.from({ length: 300 }, (_, i) => ({ ...createUser, eventID: `id-${i}` }));
      const file = writeGzip(path.join(dir, 'lines', 'few.jsonl.gz'), records.map((r) => JSON.stringify(r)).join('\n'));
      const { events, positions } = await read(file);
      expect([events.length, positions[299]]).toEqual([300, [300, 0, undefined]]);
    });

    test('a large pretty-printed document is read whole once its first line is no complete value', async () => {
      const file = writeText(path.join(dir, 's3', 'large-pretty.json'), JSON.stringify({ Records: [createUser, signIn, getGroup] }, null, 2));
      const { result } = await read(file, undefined, 100);
      expect(result).toEqual({ events: 3, skippedEntries: 0, entryProblems: [] });
    });
  });

});

test('a gzip file whose recorded length is over the limit is streamed without being decompressed whole first', async () => {
  const file = writeCloudTrailLog(path.join(dir, 's3', 'isize.json.gz'), [createUser, signIn, getGroup]);
  // The module object itself (an `import * as` namespace's members cannot be replaced).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const whole = jest.spyOn(require('zlib') as typeof import('zlib'), 'gunzipSync');
  try {
    const { result } = await readWithOptions(file, { wholeTextBytes: 64 });
    expect([result.events, whole.mock.calls.length]).toEqual([3, 0]);
    await readWithOptions(file, {});
    expect(whole.mock.calls.length).toBe(1);
  } finally {
    whole.mockRestore();
  }
});

describe('other JSON documents', () => {
  test('a pretty-printed array of events and records', () => {
    const events: JsonObject[] = [];
    const result = parseEventText(JSON.stringify([createUser, { 'source': 'aws.iam', 'detail-type': 'x', 'detail': {} }], null, 2), (e) => events.push(e));
    expect([result.events, events[0].source, events[1]['detail-type']]).toEqual([2, 'aws.iam', 'x']);
  });

  test('the corpus format, with each entry id', () => {
    const ids: Array<string | undefined> = [];
    parseEventText(JSON.stringify([{ id: 'ct-005', record: createUser }]), (_e, _l, _i, id) => ids.push(id));
    expect(ids).toEqual(['ct-005']);
  });

  test('one event on its own', () => {
    const result = parseEventText(fs.readFileSync(path.join(FIXTURES, 'create-user-event.json'), 'utf8'), () => undefined);
    expect(result).toEqual({ events: 1, skippedEntries: 0, entryProblems: [] });
  });

  test('an array of things that are no events is the wrong shape', () => {
    expect(parseEventText('[1, 2]', () => undefined).error).toMatch(/^\[0\]: not a CloudTrail record/);
  });

  test('an empty file gives no events and no error', () => {
    expect(parseEventText('', () => undefined)).toEqual({ events: 0, skippedEntries: 0, entryProblems: [] });
  });
});

describe('finding log files', () => {
  const tree = path.join(dir, 'AWSLogs');
  beforeAll(() => {
    writeCloudTrailLog(path.join(tree, '111122223333', 'CloudTrail', 'us-east-1', '2024', '01', '02', 'b.json.gz'), [createUser]);
    writeCloudTrailLog(path.join(tree, '111122223333', 'CloudTrail', 'us-east-1', '2024', '01', '01', 'a.json.gz'), [signIn]);
    writeGzip(path.join(tree, '111122223333', 'CloudTrail-Digest', 'us-east-1', 'd.json.gz'), '{"digestStartTime": "x"}');
    writeText(path.join(tree, 'README.txt'), 'not a log');
  });

  test('a tree is searched recursively, in path order, digest files and other files left out', async () => {
    const set = await findLogFiles([tree]);
    expect(set.files.map((f) => path.relative(tree, f.path))).toEqual([
      path.join('111122223333', 'CloudTrail', 'us-east-1', '2024', '01', '01', 'a.json.gz'),
      path.join('111122223333', 'CloudTrail', 'us-east-1', '2024', '01', '02', 'b.json.gz'),
    ]);
    expect([set.nonActivityFiles, set.otherFiles]).toEqual([1, 1]);
    expect(set.totalBytes).toBe(set.files.reduce((s, f) => s + fs.statSync(f.path).size, 0));
  });

  test('an empty folder holds no files', async () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty, { recursive: true });
    expect((await findLogFiles([empty])).files).toEqual([]);
  });

  test('a path that does not exist is an error naming it', async () => {
    await expect(findLogFiles([path.join(dir, 'missing')])).rejects.toThrow(/missing: no such file or directory/);
  });
});
