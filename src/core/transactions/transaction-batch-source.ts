/**
 * The reading half of `crm transaction import`'s batched path, for the import pipeline: reads the
 * file on the main thread, validates every row, settles references repeated inside a batch (the
 * same row again is unchanged, other values an error), writes rejected rows to the errors file,
 * and hands out batches of distinct references every `batchSize` data rows.
 */
import { rmSync } from 'node:fs';
import { type CsvBatchStream, streamCsvBatches } from '../csv.js';
import { ValidationError } from '../errors.js';
import {
  ErrorsFileWriter,
  FIRST_REJECTIONS,
  type RowProblem,
  type RowRejection,
  rejectionOf,
} from '../imports/errors-file.js';
import type { BatchSource, SourceBatch, SourceEvent } from '../imports/import-pipeline.js';
import {
  mapTransactionColumns,
  type OccurredAtBounds,
  type TransactionColumns,
  type TransactionRow,
  validateTransactionRecord,
} from './transaction-csv.parser.js';

export interface StagedTransaction {
  row: TransactionRow;
  hospitalId: string;
}

/** Data rows (start, end]: their distinct new-looking references, and their records by row number. */
export interface TransactionBatch extends SourceBatch {
  rows: StagedTransaction[];
  /** Records of the batch's rows, for the rows the database finds in conflict. */
  records: Map<number, string[]>;
}

function sameRow(a: TransactionRow, b: TransactionRow): boolean {
  return (
    a.hospitalCode === b.hospitalCode &&
    a.occurredAt === b.occurredAt &&
    a.amountKobo === b.amountKobo &&
    a.kind === b.kind
  );
}

export class TransactionBatchSource implements BatchSource<TransactionBatch> {
  private rowsRead = 0;
  private rejected = 0;
  /** Rows that repeat an earlier row of their batch exactly: unchanged without the database. */
  repeated = 0;
  readonly events: AsyncGenerator<SourceEvent<TransactionBatch>>;

  private constructor(
    private readonly csv: CsvBatchStream,
    private readonly columns: TransactionColumns,
    private readonly errors: ErrorsFileWriter | undefined,
    private readonly options: {
      hospitals: Map<string, string>;
      bounds: OccurredAtBounds;
      batchSize: number;
      maxErrors?: number;
      onRejected?: (rejection: RowRejection) => void;
    },
  ) {
    this.events = this.read();
  }

  /** Opens the file and maps its header (a missing column is exit 3). */
  static async open(
    file: string,
    options: {
      hospitals: Map<string, string>;
      bounds: OccurredAtBounds;
      batchSize: number;
      maxErrors?: number;
      errorsFile?: string;
      onWarning?: (message: string) => void;
      onRejected?: (rejection: RowRejection) => void;
    },
  ): Promise<TransactionBatchSource> {
    const csv = await streamCsvBatches(file);
    if (!csv.header) throw new ValidationError('file', file, 'is empty (no header row)', 'import_empty_file');
    const headers = csv.header.map((h) => h.trim());
    const { columns, unknown } = mapTransactionColumns(headers);
    if (unknown.length > 0) options.onWarning?.(`ignoring unknown columns: ${unknown.join(', ')}`);
    const errors = options.errorsFile ? new ErrorsFileWriter(options.errorsFile, headers) : undefined;
    return new TransactionBatchSource(csv, columns, errors, options);
  }

  counts(): { rowsRead: number; rejected: number } {
    return { rowsRead: this.rowsRead, rejected: this.rejected };
  }

  /** Rejects a row: counted, and written to the errors file (the database's conflicts come here too). */
  async reject(rowNumber: number, problems: RowProblem[], record: string[]): Promise<void> {
    this.rejected++;
    if (this.rejected <= FIRST_REJECTIONS) this.options.onRejected?.(rejectionOf(rowNumber, problems));
    await this.errors?.write(rowNumber, problems, record);
  }

  async finish(): Promise<string | null> {
    return this.closeErrors();
  }

  async stop(): Promise<void> {
    await this.events.return(undefined);
    await this.csv.close();
    await this.closeErrors();
  }

  private closed = false;

  /** Closes the errors file (removed when no row was rejected); its path when it has rows. */
  private async closeErrors(): Promise<string | null> {
    if (!this.errors) return null;
    if (!this.closed) {
      this.closed = true;
      await this.errors.close();
      if (this.errors.count === 0) rmSync(this.errors.path, { force: true });
    }
    return this.rejected > 0 ? this.errors.path : null;
  }

  private tooManyErrors(): boolean {
    return this.options.maxErrors !== undefined && this.rejected > this.options.maxErrors;
  }

  private async *read(): AsyncGenerator<SourceEvent<TransactionBatch>> {
    const { hospitals, bounds, batchSize } = this.options;
    let batch: StagedTransaction[] = [];
    let records = new Map<number, string[]>();
    let seen = new Map<string, TransactionRow>();
    let batchStart = 0;
    const handOut = (end: number): TransactionBatch => {
      const out: TransactionBatch = {
        type: 'batch',
        start: batchStart,
        end,
        rows: batch,
        records,
        rowsRead: this.rowsRead,
        bytesRead: this.csv.bytesRead(),
      };
      batch = [];
      records = new Map();
      seen = new Map();
      batchStart = end;
      return out;
    };
    for await (const chunk of this.csv.batches) {
      for (const record of chunk) {
        const rowNumber = ++this.rowsRead + 1; // the header is row 1, as in a spreadsheet
        const outcome = validateTransactionRecord(record, rowNumber, this.columns, bounds);
        let problems: RowProblem[] | undefined = outcome.ok ? undefined : outcome.problems;
        if (outcome.ok) {
          const row = outcome.row;
          const hospitalId = hospitals.get(row.hospitalCode);
          const earlier = seen.get(row.reference);
          if (!hospitalId)
            problems = [{ column: 'hospital', value: row.hospitalCode, reason: 'unknown hospital code' }];
          else if (earlier && sameRow(earlier, row)) this.repeated++;
          else if (earlier)
            problems = [
              {
                column: 'reference',
                value: row.reference,
                reason: `appears earlier in the file (row ${earlier.rowNumber}) with other values`,
              },
            ];
          else {
            seen.set(row.reference, row);
            batch.push({ row, hospitalId });
            records.set(rowNumber, record);
          }
        }
        if (problems) {
          await this.reject(rowNumber, problems, record);
          if (this.tooManyErrors()) {
            yield { type: 'tooManyErrors', atRow: rowNumber };
            return;
          }
        }
        if (this.rowsRead - batchStart === batchSize) {
          yield handOut(this.rowsRead);
          // The batch before it is written by now, its conflicts counted.
          if (this.tooManyErrors()) {
            yield { type: 'tooManyErrors', atRow: rowNumber };
            return;
          }
        }
      }
    }
    yield handOut(this.rowsRead);
    yield { type: 'done' };
  }
}
