// The API reference page (/api/docs): Scalar's API reference, bundled by
// Vite from node_modules, rendering the server's own OpenAPI document.
// Plain JavaScript outside src/ so that the UI's typecheck does not have to
// load Scalar's types. Everything it needs is in dist/assets: default fonts
// (fonts.scalar.com), telemetry and the "Ask AI" agent (api.scalar.com via
// proxy.scalar.com) are switched off; the e2e test checks that no request
// leaves the server.
import '@scalar/api-reference/style.css';
import { createApiReference } from '@scalar/api-reference';

createApiReference('#docs', {
  url: '/api/openapi.json',
  withDefaultFonts: false,
  telemetry: false,
  showDeveloperTools: 'never',
  documentDownloadType: 'json',
  hideClientButton: false,
  agent: { disabled: true },  // "Ask AI" talks to api.scalar.com
});
