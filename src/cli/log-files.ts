import { promises as fs } from 'fs';
import * as path from 'path';

/** File names read from a directory: CloudTrail's `*.json.gz`, and JSON or JSON lines, gzipped or not. */
const LOG_FILE_NAME = /\.(json|jsonl|ndjson)(\.gz)?$/i;

/**
 * Folders CloudTrail writes beside the activity logs: digest files (hashes, no records) and
 * Insights events (anomaly summaries, not API calls).
 */
const NON_ACTIVITY_FOLDERS = new Set(['CloudTrail-Digest', 'CloudTrail-Insight']);

/** One file to read, with its size for progress. */
export interface LogFile {
  readonly path: string;
  readonly bytes: number;
}

/** What a set of command-line paths holds. */
export interface LogFileSet {
  /** The files to read, in path order (CloudTrail's key layout makes that chronological per account and region). */
  readonly files: LogFile[];
  readonly totalBytes: number;
  /** Files under CloudTrail-Digest or CloudTrail-Insight folders, left out on purpose. */
  readonly nonActivityFiles: number;
  /** Other files in the directories (not JSON by name), left out. */
  readonly otherFiles: number;
}

/**
 * Finds the log files under the given paths: a file is taken whatever its name; a directory
 * (for example an `AWSLogs/` tree copied from the trail bucket) is searched recursively for
 * `*.json.gz`, `*.json`, `*.jsonl` and `*.ndjson` files, gzipped or not.
 *
 * @throws when a path does not exist (the message names it)
 */
export async function findLogFiles(paths: readonly string[]): Promise<LogFileSet> {
  const files: LogFile[] = [];
  const counts = { nonActivityFiles: 0, otherFiles: 0 };
  for (const given of paths) {
    let stat;
    try {
      stat = await fs.stat(given);
    } catch {
      throw new Error(`${given}: no such file or directory`);
    }
    if (stat.isDirectory()) {
      await walk(given, files, counts, false);
    } else {
      files.push({ path: given, bytes: stat.size });
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, totalBytes: files.reduce((sum, f) => sum + f.bytes, 0), ...counts };
}

async function walk(dir: string, files: LogFile[], counts: { nonActivityFiles: number; otherFiles: number }, nonActivity: boolean): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      await walk(full, files, counts, nonActivity || NON_ACTIVITY_FOLDERS.has(entry.name));
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      if (!LOG_FILE_NAME.test(entry.name)) {
        counts.otherFiles++;
      } else if (nonActivity) {
        counts.nonActivityFiles++;
      } else {
        files.push({ path: full, bytes: (await fs.stat(full)).size });
      }
    }
  }
}
