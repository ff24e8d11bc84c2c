// Shows what Kindred recognises on saved web pages, and checks it against expectations.
//
//   npm run check:pages -- <folder or page.html> [expectations.json] [--url <address>]
//
// Save a page where Kindred failed (browser: File → Save Page As…, "Webpage, HTML only" or
// "complete"), then run this on the folder. Nothing in the saved pages is run or loaded.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { checkFolder, findPages, formatPage, formatSummary, loadExpectations, type Expectations } from './lib/page-check';

const USAGE = `Usage: npm run check:pages -- <folder or page.html> [expectations.json] [--url <address>]

  <folder>            every .html page in it (and in its subfolders) is checked
  expectations.json   optional: what each page must give; differences are failures
  --url <address>     the address the page was saved from, when the file does not say`;

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const positional: string[] = [];
  let url: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '-h' || arg === '--help') {
      console.log(USAGE);
      return;
    }
    if (arg === '--url') {
      url = args[++i];
      if (!url) fail(`--url needs an address after it.\n\n${USAGE}`);
    } else if (arg.startsWith('--url=')) url = arg.slice(6);
    else if (arg.startsWith('-')) fail(`Unknown option ${arg}.\n\n${USAGE}`);
    else positional.push(arg);
  }
  const [folderArg, expectationsArg, ...rest] = positional;
  if (!folderArg || rest.length) fail(USAGE);
  const folder = path.resolve(folderArg);
  if (!existsSync(folder)) fail(`Not found: ${folderArg}`);

  if (url !== undefined && findPages(folder).length > 1) {
    fail('--url is for one saved page; for a folder, give each page its address in an expectations file.');
  }

  let expectations: Expectations | undefined;
  let expectationProblems: string[] = [];
  if (expectationsArg) {
    const loaded = loadExpectations(path.resolve(expectationsArg));
    expectations = loaded.expectations;
    expectationProblems = loaded.problems;
  }

  console.log(`Checking ${folderArg}${expectationsArg ? ` against ${expectationsArg}` : ''}\n`);
  const report = await checkFolder(folder, expectations, {
    expectationProblems,
    ...(url === undefined ? {} : { url }),
    onPage: (page) => console.log(`${formatPage(page)}\n`),
  });
  if (!report.pages.length) console.log('No .html pages found.\n');
  console.log(formatSummary(report, expectations !== undefined));
  if (report.pages.some((p) => p.result.status === 'no-url')) {
    console.log('Tip: when a file does not say where it was saved from, add --url <address> (one page) or an expectations file.');
  }
  process.exitCode = report.failed ? 1 : 0;
}

main().catch((error: unknown) => {
  // Expected conditions are reported per page; anything reaching here is a bug in the checker.
  console.error('The page check itself failed:', error);
  process.exit(2);
});
