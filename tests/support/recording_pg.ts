/**
 * A Postgres client wrapper that records every statement, so tests can assert the exact SQL a
 * query issues and that it is one statement per node per query path.
 *
 * @module
 */

import type { PgClient, PgRow } from "../../sources/postgres.ts";

/** One statement sent to the database. */
export interface Statement {
  readonly text: string;
  readonly params: readonly unknown[];
}

/** Passes statements on to a client and records them, in order. */
export class RecordingClient implements PgClient {
  readonly #client: PgClient;
  #statements: Statement[] = [];

  constructor(client: PgClient) {
    this.#client = client;
  }

  query(text: string, params: readonly unknown[] = []): Promise<readonly PgRow[]> {
    this.#statements.push({
      text,
      params: params.map((p) => Array.isArray(p) ? [...p] : p),
    });
    return this.#client.query(text, params);
  }

  /** The statements recorded since the last call, and forgets them. */
  take(): Statement[] {
    const statements = this.#statements;
    this.#statements = [];
    return statements;
  }
}

/** A client that fails the test if any statement reaches it. */
export const NO_ROUND_TRIPS: PgClient = {
  query(text: string): Promise<readonly PgRow[]> {
    return Promise.reject(new Error(`Expected no statement, got: ${text}`));
  },
};
