// Checks HTTP responses against the server's OpenAPI document
// (GET /api/openapi.json): each response's status must be one its operation
// documents (or a transport-level one every route shares), and its JSON body
// must match the documented schema (ajv, JSON Schema 2020-12, formats
// checked). Used by openapi.test.mjs on the lines the C++ black-box suites
// record (tests/support/http_client.cc, STUDIO_TEST_RECORD_RESPONSES).
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

// Answered by the server's transport for any request, before routing.
const TRANSPORT = {
  400: (body) => /^(Malformed HTTP request|Invalid request target|Missing Host header)/.test(body?.detail ?? ''),
  403: (body) => /^Cross-origin requests/.test(body?.detail ?? ''),  // RequestPolicy, before any route
  413: () => true,
  415: () => true,
  421: () => true,  // the Host check
  431: () => true,
  503: (body) => /too many open connections/.test(body?.detail ?? ''),
  507: (body) => body?.detail === "The studio's storage is full",  // any write may meet a full disk
};

export function makeChecker(doc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, 'openapi.json');
  const compiled = new Map();
  const validator = (schema) => {
    const text = JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/');
    if (!compiled.has(text)) compiled.set(text, ajv.compile(JSON.parse(text)));
    return compiled.get(text);
  };
  const errorSchema = validator({ $ref: '#/components/schemas/Error' });

  // Literal templates before those with {params}, as the server matches.
  const templates = Object.keys(doc.paths)
    .map((p) => ({ path: p, segments: p.split('/').filter(Boolean) }))
    .sort((a, b) => Number(a.path.includes('{')) - Number(b.path.includes('{')));
  const findTemplate = (rel) => {
    const parts = rel.split('/').filter(Boolean);
    return templates.find((t) => t.segments.length === parts.length &&
      t.segments.every((s, i) => s.startsWith('{') || s === parts[i]));
  };

  // Returns a list of problems (empty when the response conforms), or null
  // when the record is not an API response (static UI files).
  return function check(rec) {
    const path = decodeURIComponent(rec.target.split('?')[0]);
    if (!(path === '/api' || path.startsWith('/api/'))) return null;
    const rel = path.slice(4) || '/';
    const where = `${rec.method} ${rec.target} -> ${rec.status}`;
    const problems = [];
    const isHead = rec.method === 'HEAD';
    const expectError = () => {
      if (isHead) return;
      if (!(rec.content_type ?? '').startsWith('application/json')) problems.push(`${where}: error without JSON body`);
      else if (!errorSchema(rec.body)) problems.push(`${where}: error body ${JSON.stringify(rec.body)} is not {detail}`);
    };
    if (rec.method === 'OPTIONS') return problems;  // the CORS preflight, answered by the transport
    if (TRANSPORT[rec.status] && TRANSPORT[rec.status](rec.body)) {
      expectError();
      return problems;
    }
    const template = findTemplate(rel);
    if (!template) {
      if (rec.status !== 404) problems.push(`${where}: a path outside the document answered ${rec.status}`);
      expectError();
      return problems;
    }
    const op = doc.paths[template.path][(isHead ? 'GET' : rec.method).toLowerCase()];
    if (!op) {
      if (rec.status !== 405) problems.push(`${where}: an undocumented method on ${template.path} answered ${rec.status}`);
      if (!rec.allow) problems.push(`${where}: 405 without Allow`);
      expectError();
      return problems;
    }
    const response = op.responses[String(rec.status)];
    if (!response) {
      problems.push(`${where}: status not documented for ${op.operationId} (${Object.keys(op.responses).join(', ')}); body ${JSON.stringify(rec.body)?.slice(0, 300)}`);
      return problems;
    }
    const content = response.content;
    if (!content) {
      if (rec.body !== null && rec.body !== undefined) problems.push(`${where}: documented without a body, got one`);
      return problems;
    }
    // A response may document several media types (a dataset download): the one it was sent as.
    const types = Object.keys(content);
    const type = types.find((t) => (rec.content_type ?? '').startsWith(t)) ?? types[0];
    if (!(rec.content_type ?? '').startsWith(type)) {
      problems.push(`${where}: content type ${rec.content_type}, documented ${types.join(', ')}`);
      return problems;
    }
    if (type === 'application/json' && !isHead && content[type].schema) {
      const validate = validator(content[type].schema);
      if (!validate(rec.body)) {
        problems.push(`${where}: body does not match ${JSON.stringify(content[type].schema)}: ` +
          `${ajv.errorsText(validate.errors)}; body ${JSON.stringify(rec.body).slice(0, 400)}`);
      }
    }
    return problems;
  };
}
