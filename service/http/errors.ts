import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SeatdeskError, isSeatdeskError, type ErrorCode } from '@shared/errors';

/**
 * An answer to a failed request: the error body, and the HTTP status when HTTP has a more
 * precise one than the code's own (414 a path part too long, 415 a body that is not JSON, 431
 * headers too large): the code still says what the client must do (VALIDATION: fix the request).
 */
export interface Refusal {
  status: number;
  error: SeatdeskError;
}

const refuse = (error: SeatdeskError, status: number = error.status): Refusal => ({ status, error });

/** The longest path segment the router takes (Fastify's maxParamLength); ids are 36 characters. */
export const MAX_PARAM_LENGTH = 100;

/**
 * The answers whose HTTP status is not their code's own, with the routes that can meet them:
 * every route, a route with path parameters, or one that reads a body (any method but GET).
 * The OpenAPI document lists them from here.
 */
export const STATUS_REFUSALS = {
  timeout: { status: 408, code: 'VALIDATION', routes: 'all', message: 'The request took too long to arrive.' },
  uriTooLong: { status: 414, code: 'VALIDATION', routes: 'params', message: `A part of the path is longer than ${MAX_PARAM_LENGTH} characters.` },
  notJson: { status: 415, code: 'VALIDATION', routes: 'body', message: 'Send the request body as application/json.' },
  headersTooLarge: { status: 431, code: 'VALIDATION', routes: 'all', message: 'The request address or headers are too large.' },
  closing: { status: 503, code: 'OFFLINE', routes: 'all', message: 'The service is shutting down. Try again in a moment.' },
} as const satisfies Record<string, { status: number; code: ErrorCode; routes: 'all' | 'params' | 'body'; message: string }>;

const refuseWith = (kind: keyof typeof STATUS_REFUSALS): Refusal => {
  const { status, code, message } = STATUS_REFUSALS[kind];
  return refuse(new SeatdeskError(code, message), status);
};

/**
 * Every failure answers DESIGN.md's shape: {"error": {"code", "message", "details"?}}. Messages
 * are ours, never the input or a library's wording of it (a database or JSON parser error quotes
 * the offending value). A 500 logs the error with the request id, which the answer names.
 */
export function installErrorHandling(app: FastifyInstance): void {
  // While the service drains, a request on a connection still open is refused in our shape
  // (Fastify's own 503 for it is off in app.ts: return503OnClosing).
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    const refusal = refuseWith('closing');
    void reply.status(refusal.status).header('connection', 'close').send(refusal.error.toBody());
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const refusal = toRefusal(error, request);
    void reply.status(refusal.status).send(refusal.error.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // A short plain path is named (it helps a developer spot a typo); anything else is not echoed.
    const named = /^\/[\w/.~%:-]{0,99}$/.test(path) ? ` ${request.method} ${path}` : '';
    void reply.status(404).send(new SeatdeskError('NOT_FOUND', `No such route${named}.`).toBody());
  });
}

/** Fastify's `frameworkErrors`: a path that is not valid percent-encoding, or a segment too long. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const refusal =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? refuseWith('uriTooLong')
      : error.code === 'FST_ERR_BAD_URL'
        ? refuse(new SeatdeskError('VALIDATION', 'The path is not valid: it has a broken percent-encoding.'))
        : refuse(new SeatdeskError('INTERNAL', 'The service failed to handle the request.'));
  void reply.status(refusal.status).send(refusal.error.toBody());
}

/**
 * Node's `clientError`: a request that is not HTTP, or whose headers (the address included) are
 * over Node's limit. There is no request to answer yet, so the answer is written to the socket.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const refusal =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? refuseWith('headersTooLarge')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? refuseWith('timeout')
        : refuse(new SeatdeskError('VALIDATION', 'The request is not valid HTTP.'));
  const body = JSON.stringify(refusal.error.toBody());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${refusal.status} ${STATUS_TEXT[refusal.status] ?? 'Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/** What a thrown error answers. Exported for tests. */
export function toRefusal(error: FastifyError, request: FastifyRequest): Refusal {
  if (isSeatdeskError(error)) return refuse(error);
  const database = databaseRefusal(error);
  if (database !== null) {
    // The SQLSTATE and where it happened, not the message: that quotes the value.
    const { code, constraint, table, column, routine } = error as unknown as DatabaseErrorFields;
    request.log.info({ sqlstate: code, constraint, table, column, routine }, 'the database refused a value of the request');
    return database;
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return refuse(new SeatdeskError('PAYLOAD_TOO_LARGE', 'The request body is larger than the 1 MiB limit.'));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return refuseWith('notJson');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return refuse(new SeatdeskError('VALIDATION', 'The request body is not valid JSON.'));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return refuse(new SeatdeskError('VALIDATION', 'The JSON body is empty.'));
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return refuse(new SeatdeskError('VALIDATION', 'The request body does not have the length its Content-Length header says.'));
    default:
      break;
  }
  if (error instanceof SyntaxError) return refuse(new SeatdeskError('VALIDATION', 'The request body is not valid JSON.'));
  // Any other error Fastify raises about the request itself (an aborted body, a bad header).
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return refuse(new SeatdeskError('VALIDATION', 'The request could not be read.'));
  }
  request.log.error({ err: error }, 'request failed');
  return refuse(new SeatdeskError('INTERNAL', `The service failed to handle the request (reference ${request.id}).`, { reference: request.id }));
}

interface DatabaseErrorFields {
  code: string;
  severity: string;
  constraint?: string;
  table?: string;
  column?: string;
  routine?: string;
}

/** node-postgres and PGlite both throw an Error with the SQLSTATE in `code` and a `severity`. */
function isDatabaseError(error: unknown): error is Error & DatabaseErrorFields {
  if (!(error instanceof Error)) return false;
  const fields = error as Error & Partial<DatabaseErrorFields>;
  return typeof fields.code === 'string' && /^[0-9A-Z]{5}$/.test(fields.code) && typeof fields.severity === 'string';
}

/**
 * Data exceptions (SQLSTATE class 22) and integrity violations (class 23) are about what the
 * request carried, so they are the client's to fix (400) or a clash with another change (409).
 * Every other database error (a lost connection, a bug in a statement) stays a 500.
 */
export function databaseRefusal(error: unknown): Refusal | null {
  if (!isDatabaseError(error)) return null;
  const { code } = error;
  const invalid = (message: string) => refuse(new SeatdeskError('VALIDATION', message));
  switch (code) {
    case '22021': // character_not_in_repertoire: NUL or bytes that are not UTF-8
    case '22P05': // untranslatable_character
      return invalid('Text in the request contains a character that cannot be stored, such as a NUL (U+0000) character.');
    case '22007': // invalid_datetime_format
    case '22008': // datetime_field_overflow
    case '22009': // invalid_time_zone_displacement_value
      return invalid('A date or time in the request is not a valid one.');
    case '22003': // numeric_value_out_of_range
      return invalid('A number in the request is out of range.');
    case '22001': // string_data_right_truncation
      return invalid('A value in the request is too long.');
    case '23502': // not_null_violation
      return invalid('A required value is missing from the request.');
    case '23514': // check_violation
      return invalid('A value in the request is not one that is allowed.');
    case '23505': // unique_violation: another change made the same item first
      return /email/i.test(error.constraint ?? '')
        ? refuse(new SeatdeskError('DUPLICATE_EMAIL'))
        : refuse(new SeatdeskError('VERSION_CONFLICT', 'This item already exists: another change made it first. Refresh and try again.'));
    case '23P01': // exclusion_violation
      return refuse(new SeatdeskError('VERSION_CONFLICT', 'This change clashes with another one. Refresh and try again.'));
    default:
      break;
  }
  // 23503 foreign_key_violation, 23001 restrict_violation, ...: an item it refers to is gone or still in use.
  if (code.startsWith('23')) {
    return refuse(new SeatdeskError('INVALID_TRANSITION', 'This change refers to an item that no longer exists or is still in use. Refresh and try again.'));
  }
  if (code.startsWith('22')) return invalid('A value in the request is not valid.');
  return null;
}
