// A Jest transformer for the ES-module-only Nest 12 packages. Node 20.19+ loads them from CommonJS with
// require(), but Jest's module runtime on Node < 24.9 cannot, so Jest compiles them to CommonJS with
// TypeScript's transpiler. `import.meta.url` has no CommonJS form, so it becomes the file's own URL first, and
// a module's own `const require = createRequire(import.meta.url)` goes: CommonJS already has that require.
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { pathToFileURL } = require('node:url');
const ts = require('typescript');

/** Jest's cache must change when this file does, not only when the transformed source does. */
const self = createHash('sha256').update(readFileSync(__filename)).digest('hex');

module.exports = {
  getCacheKey(source, filename) {
    return createHash('sha256').update(self).update(filename).update(source).digest('hex');
  },
  process(source, filename) {
    const withUrl = source
      .replace(/^(?:const|let|var) require = (?:\w+\.)?createRequire\(import\.meta\.url\);?$/m, '')
      .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(filename).href));
    const { outputText, sourceMapText } = ts.transpileModule(withUrl, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, allowJs: true, sourceMap: true },
    });
    return { code: outputText, map: sourceMapText };
  },
};
