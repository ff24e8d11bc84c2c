// Where an interrupted import stopped. A million-row file takes the better part of an hour to
// import on a slow laptop; if the page is closed, the browser quits or a write fails half-way,
// choosing the same file again carries on after the last written batch instead of writing every
// row again. The checkpoint is written in the same transaction as each batch, so it never claims
// rows that are not stored, nor misses rows that are.
import * as z from '../zod';
import type { KindredDB } from '../store/db';
import { columnMappingSchema } from './columns';

export const IMPORT_CHECKPOINT_KEY = 'import.checkpoint';

export const importCheckpointSchema = z.lazy(() =>
  z.object({
    fileName: z.string(),
    /** The file is recognised by name, size and modification time: a changed file starts over. */
    size: z.number().int().nonnegative(),
    lastModified: z.number(),
    /** The column mapping the run used; a resumed run must read the columns the same way. */
    mapping: columnMappingSchema,
    /** Rows that start before this line are written (or were rejected and counted). */
    nextLine: z.number().int().positive(),
    /** Counts over the lines before `nextLine`. */
    imported: z.number().int().nonnegative(),
    rejected: z.number().int().nonnegative(),
    warnings: z.number().int().nonnegative(),
    /**
     * The run's timestamp, which its records carry. A resumed run keeps it, so a row that repeats a
     * row written before the interruption is still reported as a duplicate of that line.
     */
    runStamp: z.string(),
    startedAt: z.number(),
    updatedAt: z.number(),
  }),
);
export type ImportCheckpoint = z.infer<typeof importCheckpointSchema>;

/** The file facts a checkpoint is matched on (a `File` has them all). */
export interface FileFacts {
  name: string;
  size: number;
  lastModified: number;
}

export async function readCheckpoint(db: KindredDB): Promise<ImportCheckpoint | null> {
  const parsed = importCheckpointSchema.safeParse((await db.meta.get(IMPORT_CHECKPOINT_KEY))?.value);
  return parsed.success ? parsed.data : null;
}

export async function clearCheckpoint(db: KindredDB): Promise<void> {
  await db.meta.delete(IMPORT_CHECKPOINT_KEY);
}

export function isSameFile(checkpoint: ImportCheckpoint, file: FileFacts): boolean {
  return checkpoint.fileName === file.name && checkpoint.size === file.size && checkpoint.lastModified === file.lastModified;
}
