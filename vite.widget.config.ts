/**
 * Builds the embeddable support widget into dist/web (after the SPA's build, which empties it):
 * `widget.js`, the loader every page view of a customer's site loads, and `widget-chat.js`, the
 * chat it loads on demand. Both are classic scripts (IIFE), without hashes in their names: the
 * embed snippet names widget.js, and a cross-origin ES module would need CORS on the script itself.
 * Run with `vite build -c vite.widget.config.ts` (npm run build does), then
 * `node scripts/check-widget-budget.mjs` checks their sizes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig, type EnvironmentOptions, type Plugin } from 'vite';

const outDir = fileURLToPath(new URL('./dist/web', import.meta.url));
const entry = (path: string) => fileURLToPath(new URL(path, import.meta.url));

function script(file: string, source: string): EnvironmentOptions {
  return {
    consumer: 'client',
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2020',
      minify: true,
      sourcemap: false,
      copyPublicDir: false,
      // NOTE: neither entry exports anything, so no global is assigned; were one to, it would be
      // this harmless name, never the page's `Switchboard`.
      lib: { entry: entry(source), formats: ['iife'], name: '__switchboardBundle', fileName: () => file },
    },
  };
}

/**
 * The loader asks for `widget-chat.js?v=<hash of the chat>`, so a browser never pairs a new
 * loader with a cached old chat. The chat is built first; its hash replaces the placeholder.
 */
function chatVersion(): Plugin {
  return {
    name: 'switchboard-chat-version',
    applyToEnvironment: (environment) => environment.name === 'loader',
    renderChunk(code) {
      const chat = readFileSync(`${outDir}/widget-chat.js`);
      const hash = createHash('sha256').update(chat).digest('base64url').slice(0, 10);
      return code.replaceAll('__SB_CHAT_VERSION__', hash);
    },
  };
}

export default defineConfig({
  plugins: [preact(), chatVersion()],
  // Libraries check process.env.NODE_ENV; a library build leaves it alone unless told.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  logLevel: 'warn',
  environments: {
    chat: script('widget-chat.js', './web/widget/chat/main.tsx'),
    loader: script('widget.js', './web/widget/loader.ts'),
  },
  builder: {
    async buildApp(builder) {
      // NOTE: the order matters: the loader embeds the chat's hash.
      for (const name of ['chat', 'loader']) {
        const environment = builder.environments[name];
        if (!environment) throw new Error(`no "${name}" environment in vite.widget.config.ts`);
        await builder.build(environment);
      }
    },
  },
});
