import { useState } from 'preact/hooks';
import { send } from '../../browser';
import { loadDemoData } from '../../demo/data';
import { exportCsv } from '../../import/export-csv';
import { db } from '../../store/db';
import { writesSettled } from '../hooks';

export function ExportButton() {
  const [status, setStatus] = useState<string | null>(null);
  async function run() {
    setStatus('Exporting…');
    try {
      const chunks: string[] = [];
      for await (const chunk of exportCsv(db())) chunks.push(chunk);
      const url = URL.createObjectURL(new Blob(chunks, { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `kindred-constituents-${new Date().toISOString().slice(0, 10)}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setStatus(null);
    } catch (error) {
      setStatus(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return (
    <>
      <button type="button" class="secondary" onClick={run}>Export CSV</button>
      {status && <span role="status" class="muted">{status}</span>}
    </>
  );
}

export function DemoButton() {
  const [status, setStatus] = useState<string | null>(null);
  async function run() {
    setStatus('Loading demo data…');
    try {
      const { constituents, interactions } = await loadDemoData(db());
      writesSettled();
      void send('refreshBadges', {});
      setStatus(`Demo data loaded: ${constituents} constituents, ${interactions} interactions.`);
    } catch (error) {
      setStatus(`Could not load demo data: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return (
    <>
      <button type="button" class="secondary" onClick={run}>Load demo data</button>
      {status && <span role="status" class="muted">{status}</span>}
    </>
  );
}
