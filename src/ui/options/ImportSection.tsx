import { useRef, useState } from 'preact/hooks';
import { send } from '../../browser';
import { clearCheckpoint, isSameFile, readCheckpoint, type ImportCheckpoint } from '../../import/checkpoint';
import { autoMap, CSV_FIELDS, type CsvField } from '../../import/columns';
import { importCsv, readCsvHeaders, type ImportReport } from '../../import/import-csv';
import { db, knownIndexMaintainer } from '../../store/db';
import { useLiveQuery, writesSettled } from '../hooks';

type Step =
  | { name: 'idle' }
  | { name: 'mapping'; file: File; headers: string[]; mapping: (CsvField | null)[]; unknown: number[] }
  | { name: 'importing'; file: File; bytes: number; total: number; imported: number; rejected: number; resumeLine: number | null }
  | { name: 'done'; file: File; report: ImportReport; ms: number }
  | { name: 'error'; message: string };

const MAX_LISTED = 200;

export function ImportSection() {
  const [step, setStep] = useState<Step>({ name: 'idle' });
  // An import that stopped before the end (page closed, browser quit, a write failed). Live: each
  // batch moves it, a finished run or "Clear cached data" removes it.
  const stopped = useLiveQuery(() => readCheckpoint(db()), []) ?? null;
  const stopper = useRef<AbortController | null>(null);
  const [stopping, setStopping] = useState(false);

  async function choose(file: File | undefined) {
    if (!file) return;
    try {
      if (stopped && isSameFile(stopped, file)) {
        await run(file, stopped.mapping, stopped);
        return;
      }
      // The same reader importCsv uses, so the mapping has exactly its columns.
      const headers = await readCsvHeaders(file);
      const { mapping } = autoMap(headers);
      const unknown = headers.map((_, i) => i).filter((i) => mapping[i] === null && headers[i]!.trim() !== '');
      if (unknown.length > 0) setStep({ name: 'mapping', file, headers, mapping, unknown });
      else await run(file, mapping);
    } catch (error) {
      setStep({ name: 'error', message: `Could not read ${file.name}: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  async function run(file: File, mapping: (CsvField | null)[], resume?: ImportCheckpoint) {
    const started = performance.now();
    const resumeLine = resume?.nextLine ?? null;
    setStep({ name: 'importing', file, bytes: 0, total: file.size, imported: resume?.imported ?? 0, rejected: resume?.rejected ?? 0, resumeLine });
    const controller = new AbortController();
    stopper.current = controller;
    setStopping(false);
    // Batches can be seconds apart at a million rows: the known-identity index is rebuilt once, after.
    const resumeIndex = knownIndexMaintainer()?.pause();
    try {
      const report = await importCsv(db(), file, {
        fileName: file.name,
        mapping,
        signal: controller.signal,
        checkpoint: { size: file.size, lastModified: file.lastModified },
        ...(resume ? { resume } : {}),
        onProgress: (p) => setStep({ name: 'importing', file, bytes: p.bytes, total: p.totalBytes, imported: p.imported, rejected: p.rejected, resumeLine }),
      });
      setStep({ name: 'done', file, report, ms: performance.now() - started });
      void send('refreshBadges', {});
    } catch (error) {
      // Stopped by the user: no error, the note of where it stopped offers to carry on.
      if (controller.signal.aborted) setStep({ name: 'idle' });
      else setStep({ name: 'error', message: error instanceof Error ? error.message : String(error) });
      // Batches written before the failure stay, and the checkpoint says where to carry on.
      void send('refreshBadges', {});
    } finally {
      stopper.current = null;
      resumeIndex?.();
      writesSettled();
    }
  }

  return (
    <section class="panel" aria-labelledby="import-heading">
      <h2 id="import-heading">Import constituents</h2>
      <p class="muted">
        A CSV file with a header row. Recognised columns (any case, common synonyms too):{' '}
        <code>{CSV_FIELDS.join(', ')}</code>. Platform columns hold a handle or a profile URL; tags are separated by <code>;</code>.
        Importing the same <code>external_id</code> again updates that person.
      </p>
      {stopped && step.name !== 'importing' && (
        <div class="message warn resume" role="status" aria-label="Unfinished import">
          <p>
            The import of <strong>{stopped.fileName}</strong> stopped at line {stopped.nextLine.toLocaleString()}, with{' '}
            {stopped.imported.toLocaleString()} {stopped.imported === 1 ? 'row' : 'rows'} imported (
            {formatWhen(stopped.updatedAt)}). Choose the same file again to carry on from there.
          </p>
          <button type="button" class="link" onClick={() => void clearCheckpoint(db())}>Forget it</button>
        </div>
      )}
      <label class="file">
        <span>Import CSV</span>
        <input
          type="file"
          accept=".csv,text/csv"
          disabled={step.name === 'importing'}
          onChange={(e) => {
            const input = e.currentTarget;
            void choose(input.files?.[0]).finally(() => (input.value = ''));
          }}
        />
      </label>

      {step.name === 'mapping' && (
        <form
          class="mapping"
          aria-label="Map columns"
          onSubmit={(e) => {
            e.preventDefault();
            void run(step.file, step.mapping);
          }}
        >
          <p>
            <strong>{step.file.name}</strong> has {step.unknown.length === 1 ? 'a column' : 'columns'} Kindred does not know. Choose
            what {step.unknown.length === 1 ? 'it holds' : 'each holds'}, or ignore {step.unknown.length === 1 ? 'it' : 'them'}.
          </p>
          <table>
            <tbody>
              {step.unknown.map((index) => (
                <tr key={index}>
                  <th scope="row">{step.headers[index]}</th>
                  <td>
                    <select
                      aria-label={`Column "${step.headers[index]}"`}
                      value={step.mapping[index] ?? ''}
                      onChange={(e) => {
                        const mapping = [...step.mapping];
                        mapping[index] = (e.currentTarget.value || null) as CsvField | null;
                        setStep({ ...step, mapping });
                      }}
                    >
                      <option value="">Ignore</option>
                      {CSV_FIELDS.map((field) => <option key={field} value={field}>{field}</option>)}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted">
            Recognised:{' '}
            {step.headers.map((h, i) => (step.mapping[i] && !step.unknown.includes(i) ? `${h} → ${step.mapping[i]}` : null)).filter(Boolean).join(', ') || 'none'}
          </p>
          <div class="row actions">
            <button type="button" class="link" onClick={() => setStep({ name: 'idle' })}>Cancel</button>
            <button type="submit" class="primary">Import</button>
          </div>
        </form>
      )}

      {step.name === 'importing' && (
        <div class="progress" role="status">
          <progress max={step.total || 1} value={step.bytes} aria-label="Import progress" />
          <span>
            {step.resumeLine === null
              ? `Importing ${step.file.name}…`
              : `Carrying on with ${step.file.name} from line ${step.resumeLine.toLocaleString()}…`}{' '}
            {step.imported.toLocaleString()} imported, {step.rejected.toLocaleString()} rejected
          </span>
          <button
            type="button"
            disabled={stopping}
            title="Stops after the batch being written; choose the same file later to carry on"
            onClick={() => {
              setStopping(true);
              stopper.current?.abort();
            }}
          >
            {stopping ? 'Stopping…' : 'Stop'}
          </button>
        </div>
      )}

      {step.name === 'done' && <ImportResult report={step.report} fileName={step.file.name} ms={step.ms} />}
      {step.name === 'error' && <p class="message error" role="alert">{step.message}</p>}
    </section>
  );
}

function formatWhen(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function ImportResult({ report, fileName, ms }: { report: ImportReport; fileName: string; ms: number }) {
  const { imported, rejected, rejectedCount, warnings, warningCount, unknownColumns, resumedAtLine } = report;
  return (
    <div class="report" role="status">
      <p class={rejectedCount ? 'message warn' : 'message ok'}>
        Imported {imported.toLocaleString()} {imported === 1 ? 'row' : 'rows'} from {fileName}, {rejectedCount.toLocaleString()} rejected
        <span class="muted"> ({(ms / 1000).toFixed(1)} s)</span>
      </p>
      {resumedAtLine !== undefined && (
        <p class="muted">
          Carried on from line {resumedAtLine.toLocaleString()}, where the earlier import stopped.
          {(rejectedCount > 0 || warningCount > 0) && ' The counts cover the whole file; the lists below start at that line.'}
        </p>
      )}
      {unknownColumns.length > 0 && <p class="muted">Ignored columns: {unknownColumns.join(', ')}</p>}
      {rejectedCount > 0 && (
        <details open>
          <summary>Rejected rows (fix them and import the file again; good rows are not duplicated)</summary>
          <ul class="problems" aria-label="Rejected rows">
            {rejected.slice(0, MAX_LISTED).map((r) => <li key={`${r.line}:${r.reason}`}>Line {r.line}: {r.reason}</li>)}
            {rejectedCount > MAX_LISTED && <li>…and {(rejectedCount - MAX_LISTED).toLocaleString()} more</li>}
          </ul>
        </details>
      )}
      {warningCount > 0 && (
        <details>
          <summary>{warningCount.toLocaleString()} warnings (imported, with something left out)</summary>
          <ul class="problems" aria-label="Warnings">
            {warnings.slice(0, MAX_LISTED).map((w) => <li key={`${w.line}:${w.message}`}>Line {w.line}: {w.message}</li>)}
          </ul>
        </details>
      )}
    </div>
  );
}
