// Type-checks the README's TypeScript blocks, written out as files by readme.test.ts, in a worker
// thread: the few seconds of compiling then run beside that file's other work (its child commands,
// the mocks of the runnable blocks) instead of blocking it. Posts the diagnostics, one line each.
import { parentPort, workerData } from 'node:worker_threads';
import ts from 'typescript';

const { files, snippetDir } = workerData;
const program = ts.createProgram(files, {
  strict: true,
  noUncheckedIndexedAccess: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
  types: ['node'],
  skipLibCheck: true,
  noEmit: true,
});
const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
  const where = d.file
    ? `${d.file.fileName.replace(`${snippetDir}/`, '')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
    : '';
  return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
});
parentPort.postMessage(diagnostics);
