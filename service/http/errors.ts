import type { FastifyError, FastifyInstance } from 'fastify';
import { SeatdeskError, isSeatdeskError } from '@shared/errors';

/** Every failure answers DESIGN.md's shape: {"error": {"code", "message", "details"?}}. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = toSeatdeskError(error);
    if (known.code === 'INTERNAL') request.log.error({ err: error }, 'request failed');
    void reply.status(known.status).send(known.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(new SeatdeskError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`).toBody());
  });
}

function toSeatdeskError(error: FastifyError): SeatdeskError {
  if (isSeatdeskError(error)) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new SeatdeskError('PAYLOAD_TOO_LARGE', 'The request body is larger than the 1 MiB limit.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new SeatdeskError('VALIDATION', 'Send the request body as application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new SeatdeskError('VALIDATION', 'The JSON body is empty.');
    default:
      break;
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return new SeatdeskError('VALIDATION', 'The request body is not valid JSON.');
  }
  return new SeatdeskError('INTERNAL', 'The service failed to handle the request.');
}
