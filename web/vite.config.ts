import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const outDir = fileURLToPath(new URL('../dist/web', import.meta.url));

/** Brotli and gzip copies of each asset, made once at build time so Haven does not compress at every start. */
function precompress(): Plugin {
  return {
    name: 'haven-precompress',
    apply: 'build',
    closeBundle() {
      const assets = path.join(outDir, 'assets');
      for (const name of readdirSync(assets)) {
        if (name.endsWith('.br') || name.endsWith('.gz')) continue;
        const raw = readFileSync(path.join(assets, name));
        writeFileSync(path.join(assets, `${name}.br`), brotliCompressSync(raw));
        writeFileSync(path.join(assets, `${name}.gz`), gzipSync(raw, { level: 9 }));
      }
    },
  };
}

/** The person portal's messages (web/src/portal): one small module per language with only the keys it shows. */
const PORTAL_KEYS = /^(me\.|role\.|action\.|rights\.kind\.|rights\.state\.|purpose\.[a-z0-9-]+$)/;
function portalMessages(): Plugin {
  const prefix = 'virtual:portal-messages/';
  return {
    name: 'haven-portal-messages',
    resolveId: (id) => (id.startsWith(prefix) ? `\0${id}` : undefined),
    load(id) {
      if (!id.startsWith(`\0${prefix}`)) return undefined;
      const tag = id.slice(prefix.length + 1);
      if (!/^[a-z]{2,3}$/.test(tag)) throw new Error(`no portal messages for ${tag}`);
      const file = fileURLToPath(new URL(`src/i18n/messages/${tag}.json`, import.meta.url));
      this.addWatchFile(file);
      const all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      const kept = Object.fromEntries(Object.entries(all).filter(([key]) => PORTAL_KEYS.test(key)));
      return `export default ${JSON.stringify(kept)};`;
    },
  };
}

// The staff app is built into dist/web and served by Haven itself (src/http/routes/web-app.ts).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), portalMessages(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // Nothing inline: the CSP allows scripts, styles and fonts from Haven's own origin only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    // The manifest lets test/web/portal-size.test.ts follow what /me loads first (its 100 kB budget).
    manifest: true,
    rollupOptions: {
      // Two pages: the staff app and the person portal (/me), which shares nothing heavy with it.
      input: {
        index: fileURLToPath(new URL('index.html', import.meta.url)),
        me: fileURLToPath(new URL('me.html', import.meta.url)),
      },
      output: {
        // React and Vite's preload helper in chunks of their own: the only code both pages share.
        manualChunks(id) {
          if (/node_modules\/(react|react-dom|scheduler)\//.test(id)) return 'react';
          if (id.includes('vite/preload-helper')) return 'preload-helper';
          return undefined;
        },
      },
    },
  },
});
