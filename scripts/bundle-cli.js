// `npm run build`, after tsc: replaces dist/cli/main.js (the package's bin) with an esbuild bundle of
// src/cli/main.ts and the pure-JavaScript dependencies it uses, split at each command's dynamic
// import so a command loads only its own chunks (dist/chunks/). Node pays for every module file it
// resolves, reads and compiles: `validate` loaded 24 files of ours and 159 of yaml, winston and ajv;
// as four chunks it starts in ~2.2x the time of a bare `node`, not ~3.5x (docs/performance.md).
//
// What stays outside the bundle, loaded from where tsc and npm put it:
// - ssh2, whose optional native crypto binding and cpu-features are found relative to its own files;
// - the lab (src/lab/cli.js, reached only through the `lab` command's dynamic import): it is a
//   simulator and starts its daemon from its own path, so it runs as tsc built it, from dist/lab/.
// Chunks sit two levels below the package root, like every file tsc writes, so the paths the code
// resolves from import.meta.url (../../schemas/…, ../../package.json) hold in the bundle as well.
//
// undici's main module loads all of undici (fetch, WebSocket, caches, cookies, which in turn loads
// Node's own copy of undici) to export them; the tool uses its Client alone (src/remote/http.ts).
// Here `undici` is its Client with the request methods undici's index.js gives every dispatcher:
// the plan chunk shrinks from 0.9 MB to 0.5 MB and a 3-machine `plan` starts ~0.1 s sooner. Any
// other import from undici fails the build ("No matching export"), not a run.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = `${root}dist`;

rmSync(`${dist}/chunks`, { recursive: true, force: true });
// tsc's source map of the file the bundle replaces.
rmSync(`${dist}/cli/main.js.map`, { force: true });

await build({
  absWorkingDir: root,
  entryPoints: { 'cli/main': 'src/cli/main.ts' },
  outdir: dist,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Whitespace and syntax only: names stay, so stack traces and class names read as in the source.
  minifyWhitespace: true,
  minifySyntax: true,
  external: ['ssh2'],
  // The CommonJS dependencies inside an ESM bundle still call require() for Node's modules.
  banner: { js: "import { createRequire as __microcloudRequire } from 'node:module'; const require = __microcloudRequire(import.meta.url);" },
  plugins: [{
    name: 'lab-stays-outside',
    setup(b) {
      b.onResolve({ filter: /\/lab\/cli\.js$/ }, (args) => ({ path: args.path, external: true }));
    },
  }, {
    name: 'undici-client-only',
    setup(b) {
      b.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'undici-client-only' }));
      b.onLoad({ filter: /.*/, namespace: 'undici-client-only' }, () => ({
        resolveDir: root,
        loader: 'js',
        // As undici/index.js does it (Object.assign(Dispatcher.prototype, api)), for the Client alone.
        contents: [
          "import Client from 'undici/lib/dispatcher/client.js';",
          "import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';",
          "import api from 'undici/lib/api/index.js';",
          'Object.assign(Dispatcher.prototype, api);',
          'export { Client };',
        ].join('\n'),
      }));
    },
  }],
  logLevel: 'warning',
});
