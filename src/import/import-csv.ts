// Streaming CSV import into the local CRM: papaparse for the CSV grammar, our own reader for the
// bytes, one Dexie transaction per batch of rows, and a report that names every bad line.
//
// Why not `Papa.parse(file)`: its FileStreamer decodes each byte slice on its own, so a UTF-8
// character that straddles a slice boundary turns into two U+FFFD (mholt/PapaParse#751, #1132),
// and it guesses the line ending from the first slice and caches it. So we read the Blob
// ourselves (slice + arrayBuffer, one streaming TextDecoder), detect the line ending and the
// delimiter from the header line, and hand papaparse decoded text through the Node-readable
// shape it also accepts (its ReadableStreamStreamer). The same path runs for a File in the
// options page and for a string or Blob in the Node tests.
//
// Line numbers: `chunk` results carry no per-row position, so each row's physical line span is
// 1 + the line breaks inside its cells (quoted multi-line cells keep theirs; papaparse keeps every
// line break of a row in some cell). Before raw text is cut by these counts (re-reading lines
// after a broken quote) the count is checked against the text itself (`RawText.covers`).
import type { BulkError, Table } from 'dexie';
import Papa from 'papaparse';
import type { KindredDB } from '../store/db';
import { importedLinksOf } from '../store/links';
import type { Constituent, IdentityRecord } from '../store/model';
import { IMPORT_CHECKPOINT_KEY, type ImportCheckpoint } from './checkpoint';
import {
  autoMap, columnMappingSchema, isMultiValued, NAME_FIELDS, normalizeHeader, type ColumnMapping,
} from './columns';
import { parseRow, quoteCell, type RowCells } from './rows';

export interface ImportProgress {
  /**
   * Bytes of the file parsed into rows so far (non-decreasing; ends at `totalBytes`). The file is
   * read a chunk ahead, so this is the bytes read scaled by the share of their text parsed: a
   * 600 KB file read in one chunk still shows its rows going in.
   */
  bytes: number;
  totalBytes: number;
  imported: number;
  rejected: number;
}

export interface ImportReport {
  imported: number;
  /** 1-based physical line where the bad row starts (the header is line 1). */
  rejected: { line: number; reason: string }[];
  warnings: { line: number; message: string }[];
  /** Headers that map to no field (ignored columns). */
  unknownColumns: string[];
  /** Totals. Equal to the list lengths unless more than `maxReported` were found (lists are capped). */
  rejectedCount: number;
  warningCount: number;
  /**
   * Set when the run carried on an interrupted one (`ImportOptions.resume`): the first line it
   * read. The counts cover the whole file; the lists only the lines from here on.
   */
  resumedAtLine?: number;
}

export interface ImportOptions {
  fileName: string;
  /** One entry per column of the file (null: ignore the column). Default: `autoMap(headers).mapping`. */
  mapping?: ColumnMapping;
  onProgress?: (p: ImportProgress) => void;
  /** Aborting stops after the current batch; batches already written stay (each batch is atomic). */
  signal?: AbortSignal;
  /** Rows per write transaction. Default 2,000. */
  chunkRows?: number;
  /** Bytes read from the file at a time. Default 1 MiB. */
  chunkBytes?: number;
  /** Longest `rejected` / `warnings` lists kept in the report (memory bound). Default 10,000. */
  maxReported?: number;
  /**
   * The file's size and modification time. When given, each batch's transaction also records how
   * far the run got (src/import/checkpoint.ts), and a run that finishes removes the record.
   */
  checkpoint?: { size: number; lastModified: number };
  /**
   * Carries on an interrupted run of this file from its checkpoint: rows that start before
   * `nextLine` are read but not written again, the counts go on from the checkpoint's, and its
   * column mapping is used unless `mapping` is given.
   */
  resume?: ImportCheckpoint;
  /**
   * How each batch learns what the store already holds (see `ImportRun.write`): fixed here for the
   * tests, which run both; by default the run picks per batch.
   */
  probe?: 'add' | 'read';
}

const DEFAULT_CHUNK_ROWS = 2_000;
const DEFAULT_CHUNK_BYTES = 1 << 20;
const DEFAULT_MAX_REPORTED = 10_000;
/** Above this share of keys already in the store, a batch reads every key before writing instead of adding. */
const EXISTING_SHARE_FOR_READS = 0.25;
/** A header line longer than this without a line ending outside quotes is a broken quote, not a header. */
const MAX_HEADER_CHARS = 1 << 20;

/** Line breaks as a text editor counts them. */
const BREAK = /\r\n|\r|\n/g;
const countBreaks = (text: string) => {
  if (!text.includes('\n') && !text.includes('\r')) return 0;
  return text.match(BREAK)?.length ?? 0;
};
const lineSpan = (cells: string[]) => {
  let span = 1;
  for (const cell of cells) span += countBreaks(cell);
  return span;
};
const isBlank = (cells: string[]) => cells.every((cell) => !cell.trim());

/**
 * Imports constituents from CSV into `db` (source `local`, id `local:<external_id>`). Good rows
 * are written, bad rows are reported by line and reason; re-importing a file updates in place.
 * Throws for an empty file or one without a name column.
 */
export async function importCsv(db: KindredDB, input: Blob | string, opts: ImportOptions): Promise<ImportReport> {
  const blob = typeof input === 'string' ? new Blob([input]) : input;
  if (blob.size === 0) throw new Error(`${opts.fileName} is empty.`);
  return new ImportRun(db, opts, blob.size).run(blob);
}

/**
 * The header cells of a file, read the way `importCsv` reads them (same encoding, line ending
 * and delimiter detection), for the column-mapping step. Reads only the start of the file.
 */
export async function readCsvHeaders(input: Blob | string): Promise<string[]> {
  const blob = typeof input === 'string' ? new Blob([input]) : input;
  let head = '';
  for await (const { text } of readText(blob, () => 64 * 1024)) {
    head += text;
    if (detectNewline(dropBlankLines(head)) !== null || head.length > MAX_HEADER_CHARS) break;
  }
  const header = dropBlankLines(head);
  const parsed = Papa.parse<string[]>(header, {
    header: false,
    delimiter: detectDelimiter(header),
    newline: headerNewline(header),
    preview: 1,
  });
  return (parsed.data[0] ?? []).map((h) => h.replace(/^\uFEFF/, '').trim());
}

interface PendingRow {
  line: number;
  /** No external_id column value: the id was derived from name and email. */
  derivedId: boolean;
  constituent: Constituent;
  identities: IdentityRecord[];
  warnings: string[];
}

/** Raw text of a stretch of the file starting at `firstLine`, for re-reading lines after a broken quote. */
class RawText {
  private starts: number[] | null = null;
  constructor(readonly text: string, readonly firstLine: number) {}

  private lineStarts(): number[] {
    if (!this.starts) {
      const starts = [0];
      for (const m of this.text.matchAll(BREAK)) starts.push(m.index + m[0].length);
      this.starts = starts;
    }
    return this.starts;
  }

  /** Whether the rows parsed from this text cover `lines` physical lines (our count agrees with the text). */
  covers(lines: number): boolean {
    const starts = this.lineStarts();
    return lines === starts.length || (lines === starts.length - 1 && starts.at(-1) === this.text.length);
  }

  /** Lines `from`..`to` (inclusive) with their line breaks. */
  lines(from: number, to: number): string {
    const starts = this.lineStarts();
    return this.text.slice(starts[from - this.firstLine] ?? this.text.length, starts[to - this.firstLine + 1] ?? this.text.length);
  }
}

/** The minimal Node-readable shape papaparse streams from (`readable`, `read`, `on`). We push; it parses. */
class TextSource {
  readonly readable = true;
  private listeners = new Map<string, ((arg?: unknown) => void)[]>();
  read() {}
  pause() {}
  resume() {}
  on(event: string, fn: (arg?: unknown) => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  removeListener(event: string, fn: (arg?: unknown) => void) {
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter((f) => f !== fn));
    return this;
  }
  emit(event: 'data' | 'end', arg?: string) {
    for (const fn of this.listeners.get(event) ?? []) fn(arg);
  }
}

/** Decoded text of `blob`, `chunkBytes` at a time. UTF-8 (BOM dropped); UTF-16 by BOM; Windows-1252 if the start is not UTF-8. */
async function* readText(blob: Blob, chunkBytes: () => number): AsyncGenerator<{ text: string; bytes: number }> {
  let decoder: TextDecoder | null = null;
  for (let start = 0, end = 0; start < blob.size; start = end) {
    end = Math.min(start + chunkBytes(), blob.size);
    const bytes = new Uint8Array(await blob.slice(start, end).arrayBuffer());
    decoder ??= new TextDecoder(sniffEncoding(bytes));
    yield { text: decoder.decode(bytes, { stream: true }), bytes: end };
  }
  const tail = decoder?.decode() ?? '';
  if (tail) yield { text: tail, bytes: blob.size };
}

function sniffEncoding(head: Uint8Array): string {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  try {
    // Excel's plain "CSV" is Windows-1252; its "CSV UTF-8" is UTF-8. Only the first chunk is tested.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

type Newline = '\n' | '\r\n' | '\r';

/** The first line ending (outside quotes unless `quotes` is false), or null when `text` does not show one yet. */
function detectNewline(text: string, quotes = true): Newline | null {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' && quotes) quoted = !quoted;
    else if (!quoted && ch === '\n') return '\n';
    else if (!quoted && ch === '\r') {
      if (i + 1 === text.length) return null;
      return text[i + 1] === '\n' ? '\r\n' : '\r';
    }
  }
  return null;
}

/** The header's line ending; when a stray quote in the header hides it, the first one at all. */
const headerNewline = (header: string): Newline => detectNewline(header) ?? detectNewline(header, false) ?? '\n';

/** `text` without its leading blank lines, so detection looks at the header line. */
const dropBlankLines = (text: string) => text.replace(/^(?:[ \t]*(?:\r\n|\r|\n))+/, '');

/** The delimiter the header line uses most (outside quotes): `,` unless `;`, tab or `|` win. */
function detectDelimiter(text: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0], ['|', 0]]);
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [delimiter, n] of counts) if (n > counts.get(best)!) best = delimiter;
  return best;
}

function duplicateReason(externalId: string, derivedId: boolean, first: number): string {
  return derivedId
    ? `duplicate of line ${first}: same name and email, and no external_id to tell them apart`
    : `duplicate external_id ${quoteCell(externalId).slice(1, -1)} (first seen on line ${first})`;
}

let lastRunMs = 0;
/**
 * This run's timestamp, never equal to an earlier run's in this context: records stamped with it
 * are known to be this run's own (two imports in one millisecond must not look like one).
 */
function runTimestamp(): string {
  lastRunMs = Math.max(Date.now(), lastRunMs + 1);
  return new Date(lastRunMs).toISOString();
}

class ImportRun {
  /** Stamped on every record this run writes; a resumed run keeps the interrupted run's. */
  private readonly now: string;
  private readonly startedAt: number;
  /** Rows that start before this line were written before an interruption (see `resume`). */
  private readonly resumeLine: number;
  private readonly chunkRows: number;
  private readonly maxReported: number;
  private delimiter = ',';
  private newline: Newline = '\n';
  private headers: string[] | null = null;
  private mapping: ColumnMapping = [];
  private unknownColumns: string[] = [];
  /** The next physical line to be read. */
  private line = 1;
  /**
   * external_id → line, for the rows of the batch being parsed only. Rows of earlier batches are
   * recognised in the store (`importedFrom`, `write`), so memory stays flat however long the file.
   */
  private batchIds = new Map<string, number>();
  private batch: PendingRow[] = [];
  /** The batch being written, if any (see `flush`). */
  private writing: Promise<void> | null = null;
  private imported = 0;
  private readonly rejected: ImportReport['rejected'] = [];
  private readonly warnings: ImportReport['warnings'] = [];
  private warningCount = 0;
  /** Rejections found while parsing, and while writing (duplicates of earlier batches): the checkpoint's count. */
  private parseRejected = 0;
  private writeRejected = 0;
  private bytes = 0;
  /** Characters handed to the parser, and returned by it as rows (papaparse's cursor). */
  private charsFed = 0;
  private charsParsed = 0;
  /** The characters of the chunk of rows being handled (a chunk holds a whole read, thousands of rows). */
  private chunkChars = { from: 0, to: 0 };
  private shownBytes = 0;
  private finished = false;
  /** Share of the last batch's keys the store already held: picks how the next batch probes (see `write`). */
  private existingShare = 0;

  constructor(
    private readonly db: KindredDB,
    private readonly opts: ImportOptions,
    private readonly totalBytes: number,
  ) {
    this.chunkRows = Math.max(1, opts.chunkRows ?? DEFAULT_CHUNK_ROWS);
    this.maxReported = opts.maxReported ?? DEFAULT_MAX_REPORTED;
    const { resume } = opts;
    this.now = resume?.runStamp ?? runTimestamp();
    this.startedAt = resume?.startedAt ?? Date.now();
    this.resumeLine = resume?.nextLine ?? 0;
    if (resume) {
      this.imported = resume.imported;
      this.parseRejected = resume.rejected;
      this.warningCount = resume.warnings;
    }
  }

  async run(blob: Blob): Promise<ImportReport> {
    const source = new TextSource();
    let parser = null as Papa.Parser | null;
    let work = null as Promise<void> | null;
    let failure: unknown = null;
    // Text handed to papaparse and not yet returned as complete rows, from absolute offset `windowStart`.
    let window = '';
    let windowStart = 0;
    let started = false;
    let head = '';

    const start = (text: string) => {
      const header = dropBlankLines(text);
      this.newline = headerNewline(header);
      this.delimiter = detectDelimiter(header);
      started = true;
      Papa.parse<string[]>(source as unknown as NodeJS.ReadableStream, {
        header: false,
        delimiter: this.delimiter,
        newline: this.newline,
        chunk: (results, handle) => {
          // Hold the parser while this batch is written; `drain` resumes it.
          parser = handle;
          handle.pause();
          const end = results.meta.cursor - windowStart;
          const raw = new RawText(window.slice(0, end), this.line);
          window = window.slice(end);
          this.chunkChars = { from: windowStart, to: results.meta.cursor };
          windowStart = results.meta.cursor;
          work = this.rows(results.data, results.errors, raw).then((next) => {
            this.line = next;
            this.progress();
          });
        },
        complete: () => {},
        error: (error: Error) => {
          failure ??= error;
        },
      });
    };
    const feed = (text: string) => {
      this.charsFed += text.length;
      window += text;
      source.emit('data', text);
    };
    const drain = async () => {
      while (work) {
        const pending = work;
        work = null;
        await pending;
        if (failure) break;
        parser?.resume();
      }
      if (failure) throw failure;
    };

    try {
      const chunkBytes = this.opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
      // Papaparse re-parses an unfinished row from its start with every chunk, so while one row
      // is longer than a chunk (a 5 MB cell, an unclosed quote) read bigger chunks: the re-parsing
      // stays linear in the row's length instead of quadratic.
      const nextChunk = () => Math.max(chunkBytes, window.length, head.length);
      for await (const { text, bytes } of readText(blob, nextChunk)) {
        this.opts.signal?.throwIfAborted();
        this.bytes = bytes;
        if (!started) {
          // Hold text back until the header line's end shows which line ending the file uses.
          head += text;
          if (detectNewline(dropBlankLines(head)) === null && head.length <= MAX_HEADER_CHARS) continue;
          start(head);
          feed(head);
          head = '';
        } else feed(text);
        await drain();
      }
      if (!started) {
        start(head);
        feed(head);
        await drain();
      }
      source.emit('end');
      await drain();
      await this.flush(this.line);
      await this.writing;
    } catch (error) {
      parser?.abort();
      // A write still in flight is awaited (its batch is atomic either way) before reporting.
      await this.writing?.catch(() => undefined);
      throw error;
    }
    if (!this.headers) throw new Error(`${this.opts.fileName} is empty.`);
    if (this.opts.checkpoint) await this.db.meta.delete(IMPORT_CHECKPOINT_KEY);
    this.finished = true;
    this.progress();
    return {
      imported: this.imported,
      rejected: this.rejected,
      warnings: this.warnings,
      unknownColumns: this.unknownColumns,
      rejectedCount: this.rejectedCount,
      warningCount: this.warningCount,
      ...(this.opts.resume ? { resumedAtLine: this.resumeLine } : {}),
    };
  }

  private progress() {
    const parsedShare = this.charsFed ? Math.min(1, this.charsParsed / this.charsFed) : 0;
    this.shownBytes = this.finished ? this.totalBytes : Math.max(this.shownBytes, Math.round(this.bytes * parsedShare));
    this.opts.onProgress?.({
      bytes: this.shownBytes,
      totalBytes: this.totalBytes,
      imported: this.imported,
      rejected: this.rejectedCount,
    });
  }

  /**
   * Reports a rejected row. Duplicates of earlier batches are found while their batch is written,
   * after later rows were parsed, so the report is kept in line order and keeps the first lines.
   */
  private reject(line: number, reason: string, whileWriting = false) {
    // Counted, and reported, by the run that was interrupted.
    if (line < this.resumeLine) return;
    if (whileWriting) this.writeRejected++;
    else this.parseRejected++;
    const { rejected } = this;
    if (rejected.length >= this.maxReported && line > rejected[rejected.length - 1]!.line) return;
    let at = rejected.length;
    while (at > 0 && rejected[at - 1]!.line > line) at--;
    rejected.splice(at, 0, { line, reason });
    if (rejected.length > this.maxReported) rejected.pop();
  }

  private warn(line: number, message: string) {
    this.warningCount++;
    if (this.warnings.length < this.maxReported) this.warnings.push({ line, message });
  }

  /**
   * Handles parsed rows whose text is `raw` (starting at `raw.firstLine`); returns the line after
   * them. `after` is set when these rows are lines re-read after a broken quote on line `after`:
   * then only rows with the header's field count are trusted as rows; the rest are reported as
   * fragments (continuation lines of a multi-line cell must not become constituents).
   */
  private async rows(rows: string[][], errors: Papa.ParseError[], raw: RawText, after?: number): Promise<number> {
    const quoteErrors = new Map<number, Papa.ParseError[]>();
    for (const error of errors) {
      // An error on the unfinished last row (row === rows.length) comes back with the next chunk.
      if (error.type !== 'Quotes' || error.row === undefined || error.row >= rows.length) continue;
      quoteErrors.set(error.row, [...(quoteErrors.get(error.row) ?? []), error]);
    }
    const spans = rows.map(lineSpan);
    let line = raw.firstLine;
    let fragment: { from: number; to: number; fields: number } | null = null;
    const endFragment = () => {
      if (!fragment) return;
      const { from, to, fields } = fragment;
      const lines = from === to ? `line ${from}` : `lines ${from}–${to}`;
      this.reject(from, `${lines} could not be read as rows after the broken quote on line ${after} ` +
        `(${fields} field${fields === 1 ? '' : 's'}, header has ${this.headers!.length})`);
      fragment = null;
    };

    const { from: chunkFrom, to: chunkTo } = this.chunkChars;
    for (let i = 0; i < rows.length; i++) {
      const cells = rows[i]!;
      const span = spans[i]!;
      const start = line;
      line += span;
      // Where in the text this row ends, by its place in the chunk (rows re-read after a broken quote do not move it).
      if (after === undefined) this.charsParsed = chunkFrom + ((chunkTo - chunkFrom) * (i + 1)) / rows.length;
      if (isBlank(cells)) continue;
      if (!this.headers) {
        this.setHeaders(cells);
        continue;
      }
      const broken = quoteErrors.get(i);
      if (after !== undefined && !broken && (cells.length < this.headers.length || this.fieldCountProblem(cells))) {
        if (fragment && fragment.to === start - 1) fragment.to = start + span - 1;
        else {
          endFragment();
          fragment = { from: start, to: start + span - 1, fields: cells.length };
        }
        continue;
      }
      endFragment();
      if (broken) {
        await this.brokenQuotes(broken, start, span, raw, spans);
        continue;
      }
      // Written before the interruption. (A broken quote that starts before the resume line is
      // still read above: the rows it swallowed may come after it.)
      if (start < this.resumeLine) continue;
      this.row(cells, start);
      if (this.batch.length >= this.chunkRows) await this.flush(line);
    }
    endFragment();
    return line;
  }

  private fieldCountProblem(cells: string[]): string | null {
    const expected = this.headers!.length;
    // Extra cells that are all empty (trailing commas from spreadsheets) are harmless.
    if (cells.length > expected && cells.slice(expected).some((cell) => cell.trim())) {
      return `has ${cells.length} fields, header has ${expected}`;
    }
    return null;
  }

  /**
   * A row papaparse flagged for quoting. Its first line is rejected. When the quote swallowed
   * the lines after it (papaparse keeps reading until a quote that can close the field, possibly
   * the end of the file), those lines are parsed again on their own so one stray quote does not
   * cost every row after it.
   */
  private async brokenQuotes(errors: Papa.ParseError[], start: number, span: number, raw: RawText, spans: number[]) {
    const stray = errors.some((e) => e.code === 'InvalidQuotes');
    const reason = stray
      ? 'broken quoting: a quoted field has a stray " (inside quotes, write it as "")'
      : 'broken quoting: a quoted field is never closed';
    const end = start + span - 1;
    const total = spans.reduce((a, b) => a + b, 0);
    if (span === 1 || !raw.covers(total)) {
      this.reject(start, span === 1 ? reason : `${reason}; lines ${start}–${end} were read as one row`);
      return;
    }
    this.reject(start, reason);
    const text = raw.lines(start + 1, end);
    const reread = Papa.parse<string[]>(text, { header: false, delimiter: this.delimiter, newline: this.newline });
    await this.rows(reread.data, reread.errors, new RawText(text, start + 1), start);
  }

  private setHeaders(cells: string[]) {
    const headers = cells.map((h) => h.replace(/^\uFEFF/, '').trim());
    let mapping: ColumnMapping;
    const given = this.opts.mapping ?? this.opts.resume?.mapping;
    if (given) {
      const parsed = columnMappingSchema.safeParse(given);
      if (!parsed.success) throw new Error(`Column mapping is not valid: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`);
      if (parsed.data.length !== headers.length) {
        throw new Error(`Column mapping has ${parsed.data.length} entries but ${this.opts.fileName} has ${headers.length} columns.`);
      }
      mapping = parsed.data;
    } else mapping = autoMap(headers).mapping;
    if (!mapping.some((field) => field && NAME_FIELDS.includes(field))) {
      throw new Error(
        `${this.opts.fileName} has no recognisable name column (display_name, first_name or last_name). ` +
          `Its columns: ${headers.map((h) => h || '(blank)').join(', ')}.`,
      );
    }
    this.headers = headers;
    this.mapping = mapping;
    this.unknownColumns = headers.filter((h, i) => !mapping[i] && normalizeHeader(h));
  }

  private row(cells: string[], line: number) {
    const countProblem = this.fieldCountProblem(cells);
    if (countProblem) {
      this.reject(line, countProblem);
      return;
    }
    // Too few cells: the missing ones are empty.
    const rowCells: RowCells = {};
    this.mapping.forEach((field, j) => {
      const value = cells[j];
      if (!field || value === undefined) return;
      const before = rowCells[field];
      rowCells[field] = before !== undefined && isMultiValued(field) ? `${before};${value}` : value;
    });

    const parsed = parseRow(rowCells, { fileName: this.opts.fileName, now: this.now });
    if (!parsed.ok) {
      this.reject(line, parsed.reason);
      return;
    }
    const { constituent, identities, warnings, derivedId } = parsed;
    const first = this.batchIds.get(constituent.externalId);
    if (first !== undefined) {
      this.reject(line, duplicateReason(constituent.externalId, derivedId, first));
      return;
    }
    this.batchIds.set(constituent.externalId, line);
    constituent.importedFrom = { file: this.opts.fileName, line };
    this.batch.push({ line, derivedId, constituent, identities, warnings });
  }

  private get rejectedCount(): number {
    return this.parseRejected + this.writeRejected;
  }

  private checkpoint(rows: PendingRow[], settled: { through: number; parseRejected: number }): ImportCheckpoint {
    const { size, lastModified } = this.opts.checkpoint!;
    return {
      fileName: this.opts.fileName,
      size,
      lastModified,
      mapping: this.mapping,
      nextLine: settled.through,
      imported: this.imported + rows.length,
      rejected: settled.parseRejected + this.writeRejected,
      warnings: this.warningCount + rows.reduce((n, row) => n + row.warnings.length, 0),
      runStamp: this.now,
      startedAt: this.startedAt,
      updatedAt: Date.now(),
    };
  }

  private isThisRun(identity: IdentityRecord): boolean {
    return identity.provenance === 'imported' && identity.linkedAt === this.now && identity.linkedBy === this.opts.fileName;
  }

  /** `record` was written by an earlier batch of this run; the line that wrote it, if known. */
  private earlierLine(record: Constituent | undefined): number | undefined {
    if (!record || record.updatedAt !== this.now || record.importedFrom?.file !== this.opts.fileName) return undefined;
    return record.importedFrom.line;
  }

  /**
   * Hands the batch to the writer and returns once the batch before it is written: one batch is
   * written while the next is parsed, so the page's parsing and the browser's IndexedDB work
   * overlap, and memory holds at most two batches. Batches are written in file order (each in its
   * own transaction, which IndexedDB also runs in order), so "an earlier line keeps it" holds.
   */
  private async flush(through: number) {
    if (!this.batch.length) return;
    this.opts.signal?.throwIfAborted();
    const rows = this.batch;
    this.batch = [];
    this.batchIds = new Map();
    // Every line before `through` is parsed, so these are the parse-time rejections up to there.
    const settled = { through, parseRejected: this.parseRejected };
    const previous = this.writing;
    this.writing = (previous ?? Promise.resolve()).then(() => this.write(rows, settled));
    this.writing.catch(() => undefined); // surfaced by the next flush or by run()
    await previous;
  }

  /**
   * Writes one batch in one transaction: constituents upserted, their imported identities replaced,
   * and (with `checkpoint`) the line the run got to, so the record and the rows never disagree.
   *
   * What the store already holds for the batch is learnt one of two ways, with the same outcome:
   * - `add`: every new record is added outright, and only the keys the store refuses (they exist)
   *   are read. A first import of a file makes no reads at all. The add is the check, inside this
   *   transaction, so a link another context made a moment ago is still never overwritten.
   * - `read`: every key is read first (a `get` each) and then written. For a file imported again,
   *   where nearly every key exists, this saves the refused add.
   * The run picks `add` until a batch finds more than a quarter of its keys already there.
   */
  private async write(batch: PendingRow[], settled: { through: number; parseRejected: number }) {
    this.opts.signal?.throwIfAborted();
    const { db } = this;
    const probe = this.opts.probe ?? (this.existingShare > EXISTING_SHARE_FOR_READS ? 'read' : 'add');
    let rows = batch;
    let probed = 0;
    let existed = 0;
    const tables = this.opts.checkpoint ? [db.constituents, db.identities, db.meta] : [db.constituents, db.identities];
    await db.transaction('rw', tables, async () => {
      // What each row's constituent was before this batch. With `add`, a row that found nothing
      // is already written (refused means it exists).
      const found: (Constituent | undefined)[] = new Array(batch.length);
      if (probe === 'add') {
        const at = [...(await addNew(db.constituents, batch.map((r) => r.constituent)))];
        const got = at.length ? await db.constituents.bulkGet(at.map((r) => batch[r]!.constituent.id)) : [];
        at.forEach((r, i) => (found[r] = got[i]));
      } else {
        const got = await db.constituents.bulkGet(batch.map((r) => r.constituent.id));
        got.forEach((c, r) => (found[r] = c));
      }
      // A row whose constituent an earlier batch of this run wrote repeats an earlier line (never
      // one the add wrote: it found nothing there).
      const existing: (Constituent | undefined)[] = [];
      rows = batch.filter((row, r) => {
        const first = this.earlierLine(found[r]);
        if (first !== undefined) {
          this.reject(row.line, duplicateReason(row.constituent.externalId, row.derivedId, first), true);
          return false;
        }
        existing.push(found[r]);
        return true;
      });

      // The first row of the batch to carry each key is the one that may take it.
      const firstCarrier = new Map<string, IdentityRecord>();
      for (const row of rows) for (const identity of row.identities) if (!firstCarrier.has(identity.key)) firstCarrier.set(identity.key, identity);
      const keys = [...firstCarrier.keys()];
      const ownerOf = new Map<string, IdentityRecord>();
      const written = new Set<IdentityRecord>();
      let ownersOf: string[];
      if (probe === 'add') {
        const candidates = [...firstCarrier.values()];
        const refused = await addNew(db.identities, candidates);
        candidates.forEach((identity, i) => refused.has(i) || written.add(identity));
        ownersOf = keys.filter((_, i) => refused.has(i));
      } else ownersOf = keys;
      const owners = ownersOf.length ? await db.identities.bulkGet(ownersOf) : [];
      owners.forEach((owner, i) => owner && ownerOf.set(ownersOf[i]!, owner));
      probed = batch.length + keys.length;
      existed = found.filter(Boolean).length + ownerOf.size;
      // Imported links of constituents that already existed (none on a first import).
      const previous = (await importedLinksOf(db, rows.map((row) => row.constituent.id), existing)).flat();
      // Lines of this file that already took some of these keys, for the warning (rarely any).
      const takenBy = [...new Set([...ownerOf.values()].filter((o) => this.isThisRun(o)).map((o) => o.constituentId))];
      const takers = takenBy.length ? await db.constituents.bulkGet(takenBy) : [];
      const lineOf = new Map(takenBy.map((id, i) => [id, this.earlierLine(takers[i])]));

      const claimed = new Map<string, number>(); // identity key → line of the row that takes it
      const puts: IdentityRecord[] = [];
      rows.forEach((row, r) => {
        const c = row.constituent;
        const before = existing[r];
        if (before) {
          c.createdAt = before.createdAt;
          c.photoUrl = before.photoUrl;
        }
        // Rewritten below (put) with the keys this row does link; a record the add wrote lists all
        // of the row's keys, which is harmless: readers check each link's owner.
        c.importedKeys = [];
        for (const identity of row.identities) {
          const { key } = identity;
          const claim = claimed.get(key);
          if (claim !== undefined) {
            row.warnings.push(`${key} is also on line ${claim} of this file; kept there`);
            continue;
          }
          const owner = ownerOf.get(key);
          if (owner && owner.constituentId !== c.id) {
            if (owner.provenance !== 'imported') {
              const by = owner.provenance === 'crm' ? 'by the CRM' : `by ${owner.linkedBy ?? 'a user'}`;
              row.warnings.push(`${key} is already linked to ${owner.constituentId} ${by}; left there`);
              continue;
            }
            if (this.isThisRun(owner)) {
              // Written by an earlier batch of this run: the first row of the file keeps it.
              const earlier = lineOf.get(owner.constituentId);
              row.warnings.push(`${key} is also on ${earlier ? `line ${earlier}` : 'an earlier line'} of this file; kept there`);
              continue;
            }
            row.warnings.push(`${key} was linked to ${owner.constituentId} by an earlier import; now linked here`);
          }
          claimed.set(key, row.line);
          // A link the user or the CRM made to this same constituent is kept as it is.
          if (owner && owner.constituentId === c.id && owner.provenance !== 'imported') continue;
          c.importedKeys.push(key);
          // Added above: the key was free, so its first carrier took it.
          if (!written.has(identity)) puts.push(identity);
        }
      });
      // Imported links of these constituents that the new rows no longer carry.
      // (A key claimed by another row of the batch is overwritten by its put instead.)
      const stale = previous.filter((p) => p.provenance === 'imported' && !claimed.has(p.key)).map((p) => p.key);

      const constituentPuts = rows.filter((_, r) => probe === 'read' || existing[r]).map((r) => r.constituent);
      if (constituentPuts.length) await db.constituents.bulkPut(constituentPuts);
      if (stale.length) await db.identities.bulkDelete(stale);
      if (puts.length) await db.identities.bulkPut(puts);
      if (this.opts.checkpoint) await db.meta.put({ key: IMPORT_CHECKPOINT_KEY, value: this.checkpoint(rows, settled) });
    });
    this.existingShare = probed ? existed / probed : 0;
    this.imported += rows.length;
    for (const row of rows) for (const message of row.warnings) this.warn(row.line, message);
    this.progress();
  }
}

/**
 * Adds `records` to `table` (in the caller's transaction); the positions the store refused because
 * their key is already there. Any other failure is thrown, which aborts the transaction.
 */
async function addNew<T, K>(table: Table<T, K>, records: T[]): Promise<Set<number>> {
  try {
    await table.bulkAdd(records);
    return new Set();
  } catch (error) {
    // By name: this module does not load Dexie itself (the caller's database brings it).
    if (!(error instanceof Error) || error.name !== 'BulkError') throw error;
    const refused = new Set<number>();
    for (const [at, failure] of Object.entries((error as BulkError).failuresByPos)) {
      if (failure.name !== 'ConstraintError') throw failure;
      refused.add(Number(at));
    }
    return refused;
  }
}
