import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ApiDocument } from './api-types';

/**
 * The app's OpenAPI document as a contract every response a test receives is held to (issue 9): the status is
 * listed for the operation the request reached, and a JSON body matches the schema of that status and content
 * type. OpenAPI 3.1 schemas are JSON Schema 2020-12, so ajv validates them as they are.
 */

interface DocumentedResponse {
  content?: Record<string, { schema?: unknown }>;
}

interface OperationMatcher {
  method: string;
  /** OpenAPI path, e.g. /api/meetings/{meetingId} */
  template: string;
  pattern: RegExp;
  /** Segments without a `{param}`: the router prefers /api/users/invites over /api/users/{userId}. */
  literalSegments: number;
  responses: Record<string, DocumentedResponse>;
}

/** ajv's id for the whole document, so the `#/components/schemas/…` refs inside it resolve. */
const DOCUMENT_ID = 'castio-openapi.json';

/** What a request that reaches no documented operation gets: the app's 404 (`notFound` in app.ts). */
const NO_ROUTE: Omit<OperationMatcher, 'method' | 'pattern' | 'literalSegments'> = {
  template: '(no documented route)',
  responses: { 404: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } },
};

/** A response as the check sees it; `body` is the text, or a description of a non-text body. */
interface Observed {
  method: string;
  status: number;
  mediaType: string | undefined;
  bytes: number;
  body: string;
}

export class ResponseMismatch extends Error {
  override name = 'ResponseMismatch';
}

const pointerSegment = (key: string) => encodeURIComponent(key.replace(/~/g, '~0').replace(/\//g, '~1'));
const isJson = (mediaType: string) => mediaType === 'application/json' || mediaType.endsWith('+json');

function matcherOf(method: string, template: string, responses: Record<string, DocumentedResponse>) {
  const segments = template.split('/');
  const source = segments
    .map((segment) => (/^\{\w+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return {
    method,
    template,
    pattern: new RegExp(`^${source}$`),
    literalSegments: segments.filter((segment) => !segment.includes('{')).length,
    responses,
  };
}

/** The documented media type a response's content type falls under: exact, `type/*` or `*\/*`. */
function documentedMediaType(content: Record<string, unknown>, mediaType: string) {
  const [type] = mediaType.split('/');
  return [mediaType, `${type}/*`, '*/*'].find((candidate) => candidate in content);
}

/** Where in the document the schema of a response is; a request that reached no route gets the 404 envelope. */
function schemaPointer(operation: { template: string }, method: string, status: string, mediaType: string) {
  if (operation === NO_ROUTE) return '/components/schemas/Error';
  const location = [operation.template, method, 'responses', status, 'content', mediaType, 'schema'];
  return `/paths/${location.map(pointerSegment).join('/')}`;
}

export class ApiContract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly operations: OperationMatcher[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly document: ApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema({ ...document, $id: DOCUMENT_ID });
    this.operations = Object.entries(document.paths).flatMap(([template, item]) =>
      Object.entries(item).map(([method, operation]) => matcherOf(method.toUpperCase(), template, operation.responses)),
    );
  }

  /** The documented operation a request reaches; HEAD is answered by the GET route. */
  operationFor(method: string, pathname: string) {
    const routed = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    return this.operations
      .filter((operation) => operation.method === routed && operation.pattern.test(pathname))
      .sort((a, b) => b.literalSegments - a.literalSegments)[0];
  }

  /** Throws a ResponseMismatch naming the operation, status and problems unless `response` conforms. */
  async assertConforms(method: string, url: string, response: Response) {
    const { operation, problems, body } = await this.inspect(method, url, response);
    if (problems.length === 0) return;
    throw new ResponseMismatch(
      `${method.toUpperCase()} ${operation.template} (${url}) answered ${response.status}, which the OpenAPI ` +
        `document does not allow: ${problems.join('; ')}\nbody: ${body.slice(0, 500)}`,
    );
  }

  private async inspect(method: string, url: string, response: Response) {
    const operation = this.operationFor(method, new URL(url, 'http://localhost').pathname) ?? NO_ROUTE;
    const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
    const bytes = method.toUpperCase() === 'HEAD' ? 0 : (await response.clone().arrayBuffer()).byteLength;
    // Only text is read as text (for the JSON check and the message); other bodies are described.
    const textual = mediaType !== undefined && (isJson(mediaType) || mediaType.startsWith('text/'));
    const body = textual && bytes > 0 ? await response.clone().text() : `(${bytes} bytes of ${mediaType ?? 'no type'})`;
    const observed: Observed = { method: method.toLowerCase(), status: response.status, mediaType, bytes, body };
    return { operation, body, problems: this.problemsOf(operation, observed) };
  }

  private problemsOf(operation: Pick<OperationMatcher, 'template' | 'responses'>, observed: Observed): string[] {
    const { method, status, mediaType, bytes, body } = observed;
    const statusKey = [String(status), `${String(status)[0]}XX`, 'default'].find((key) => key in operation.responses);
    if (!statusKey) return [`status ${status} is not documented (documented: ${Object.keys(operation.responses)})`];
    const content = operation.responses[statusKey]!.content ?? {};
    if (Object.keys(content).length === 0) {
      return bytes === 0 ? [] : [`a ${mediaType ?? 'untyped'} body where status ${status} documents none`];
    }
    const documented = mediaType && documentedMediaType(content, mediaType);
    if (!documented) return [`content type ${mediaType ?? '(none)'} is not documented (${Object.keys(content)})`];
    if (!isJson(mediaType) || method === 'head') return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return ['the body is not valid JSON'];
    }
    const validate = this.validatorAt(schemaPointer(operation, method, statusKey, documented));
    return validate(parsed) ? [] : [this.ajv.errorsText(validate.errors, { dataVar: 'body', separator: '; ' })];
  }

  /** The validator of the schema at a JSON pointer into the document (`/components/schemas/Meeting`), compiled once. */
  validatorAt(pointer: string) {
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
      this.validators.set(pointer, validate);
    }
    return validate;
  }
}
