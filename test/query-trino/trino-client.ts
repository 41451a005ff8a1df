/**
 * The smallest client of Trino's HTTP protocol that the proof needs: POST the statement to
 * `/v1/statement`, then follow `nextUri` until the server stops giving one, collecting `data`.
 * No client library: Node.js's `fetch` is enough.
 * @see https://trino.io/docs/current/develop/client-protocol.html
 */

/** The rows of a finished query, each row an array of column values (JSON-decoded by Trino). */
export interface TrinoResult {
  readonly columns: readonly string[];
  readonly rows: readonly unknown[][];
}

interface QueryResults {
  readonly nextUri?: string;
  readonly columns?: readonly { readonly name: string }[];
  readonly data?: unknown[][];
  readonly error?: { readonly message: string; readonly errorName?: string };
}

/** A Trino server at `url` (`http://127.0.0.1:PORT`). */
export class TrinoClient {
  constructor(private readonly url: string, private readonly user = 'query-trino') {}

  /** Runs one statement and returns its rows; throws with Trino's message when it fails. */
  public async query(sql: string): Promise<TrinoResult> {
    let results = await this.send(`${this.url}/v1/statement`, 'POST', sql);
    let columns: readonly string[] = [];
    const rows: unknown[][] = [];
    for (;;) {
      if (results.error) {
        throw new Error(`Trino: ${results.error.errorName ?? 'error'}: ${results.error.message}\n--- statement (first 2000 characters):\n${sql.slice(0, 2000)}`);
      }
      if (results.columns) columns = results.columns.map((c) => c.name);
      if (results.data) rows.push(...results.data);
      if (!results.nextUri) return { columns, rows };
      results = await this.send(results.nextUri, 'GET');
    }
  }

  private async send(uri: string, method: 'GET' | 'POST', body?: string): Promise<QueryResults> {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(uri, { method, body, headers: { 'X-Trino-User': this.user } });
      // 502, 503 and 504 mean "try the same URI again" in the protocol.
      if ([502, 503, 504].includes(response.status) && attempt < 20) {
        await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
        continue;
      }
      const text = await response.text();
      if (!response.ok) {
        throw new Error(`Trino: HTTP ${response.status} from ${method} ${uri}: ${text.slice(0, 500)}`);
      }
      return JSON.parse(text) as QueryResults;
    }
  }
}
