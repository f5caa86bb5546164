// What a voice call leaves behind, kept in its VoiceCall object's SQLite storage. Everything goes through
// `registerCall`, `startStream`, `recordCallEvent`, `recordTranscript` and `finishCall`, so pointing the
// record at the tenant's conversation in Postgres changes this file only.

export type EventDetail = Record<string, string | number | boolean | null>;
export type CallEvent = { at: string; type: string; detail: EventDetail };
export type TranscriptEntry = { at: string; speaker: "caller" | "assistant"; text: string };

export type CallRecord = {
  call_sid: string;
  account_sid: string;
  tenant_id: string | null;
  from: string;
  to: string;
  /** How the webhook answered: by streaming to the assistant, or with the spoken fallback. */
  answered_with: "assistant" | "fallback";
  stream_sid: string | null;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  frames_in: number;
  frames_out: number;
  events: CallEvent[];
  transcript: TranscriptEntry[];
};

export type CallDetails = Pick<CallRecord, "call_sid" | "account_sid" | "tenant_id" | "from" | "to">;

export function createCallTables(sql: SqlStorage): void {
  sql.exec(`
    CREATE TABLE IF NOT EXISTS call (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      call_sid TEXT NOT NULL,
      account_sid TEXT NOT NULL,
      tenant_id TEXT,
      from_number TEXT NOT NULL,
      to_number TEXT NOT NULL,
      answered_with TEXT NOT NULL,
      stream_sid TEXT,
      started_at TEXT,
      ended_at TEXT,
      frames_in INTEGER NOT NULL DEFAULT 0,
      frames_out INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE IF NOT EXISTS call_event (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      type TEXT NOT NULL,
      detail TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS transcript (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      speaker TEXT NOT NULL,
      text TEXT NOT NULL
    );
  `);
}

const now = () => new Date().toISOString();

/** The webhook's record of the call; Twilio retries webhooks, so a second registration changes nothing. */
export function registerCall(
  sql: SqlStorage,
  call: CallDetails,
  answeredWith: CallRecord["answered_with"],
): void {
  const inserted = sql.exec(
    `INSERT INTO call (id, call_sid, account_sid, tenant_id, from_number, to_number, answered_with)
     VALUES (1, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    call.call_sid,
    call.account_sid,
    call.tenant_id,
    call.from,
    call.to,
    answeredWith,
  ).rowsWritten;
  if (inserted > 0) recordCallEvent(sql, "incoming", { answered_with: answeredWith });
}

/** The media stream began: the call's duration counts from here. The webhook has registered the call. */
export function startStream(sql: SqlStorage, call: CallDetails, streamSid: string): void {
  registerCall(sql, call, "assistant");
  sql.exec("UPDATE call SET stream_sid = ?, started_at = ? WHERE id = 1", streamSid, now());
}

export function recordCallEvent(sql: SqlStorage, type: string, detail: EventDetail = {}): void {
  sql.exec("INSERT INTO call_event (at, type, detail) VALUES (?, ?, ?)", now(), type, JSON.stringify(detail));
}

export function recordTranscript(sql: SqlStorage, speaker: TranscriptEntry["speaker"], text: string): void {
  if (text.trim())
    sql.exec("INSERT INTO transcript (at, speaker, text) VALUES (?, ?, ?)", now(), speaker, text);
}

/** Ends the call once; later calls (a `stop` then the socket's close) change nothing. */
export function finishCall(sql: SqlStorage, frames: { in: number; out: number }): void {
  sql.exec(
    "UPDATE call SET ended_at = ?, frames_in = ?, frames_out = ? WHERE id = 1 AND ended_at IS NULL",
    now(),
    frames.in,
    frames.out,
  );
}

type CallRow = {
  call_sid: string;
  account_sid: string;
  tenant_id: string | null;
  from_number: string;
  to_number: string;
  answered_with: CallRecord["answered_with"];
  stream_sid: string | null;
  started_at: string | null;
  ended_at: string | null;
  frames_in: number;
  frames_out: number;
};

export function readCall(sql: SqlStorage): CallRecord | null {
  const row = sql.exec<CallRow>("SELECT * FROM call WHERE id = 1").toArray()[0];
  if (!row) return null;
  const events = sql
    .exec<{ at: string; type: string; detail: string }>(
      "SELECT at, type, detail FROM call_event ORDER BY seq",
    )
    .toArray()
    .map((event) => ({ ...event, detail: JSON.parse(event.detail) as EventDetail }));
  const transcript = sql
    .exec<TranscriptEntry>("SELECT at, speaker, text FROM transcript ORDER BY seq")
    .toArray()
    .map((entry) => ({ ...entry }));
  return {
    call_sid: row.call_sid,
    account_sid: row.account_sid,
    tenant_id: row.tenant_id,
    from: row.from_number,
    to: row.to_number,
    answered_with: row.answered_with,
    stream_sid: row.stream_sid,
    started_at: row.started_at,
    ended_at: row.ended_at,
    duration_ms:
      row.started_at && row.ended_at ? Date.parse(row.ended_at) - Date.parse(row.started_at) : null,
    frames_in: row.frames_in,
    frames_out: row.frames_out,
    events,
    transcript,
  };
}
