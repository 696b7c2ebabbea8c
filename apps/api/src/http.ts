import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { isPanoptesError, PanoptesError } from '@panoptes/db-core';

/** Status for each error code; anything not listed (and every non-Panoptes error) is a 500. */
const STATUS: Readonly<Record<string, number>> = {
  VALIDATION: 400,
  INVALID_CHANNEL_CONFIG: 400,
  INVALID_RULE: 400,
  INVALID_BACKUP_NAME: 400,
  INVALID_SUBSCRIPTION: 400,
  INVALID_SCHEDULE: 400,
  ARCHIVE_CORRUPT: 400,
  UNAUTHENTICATED: 401,
  CSRF: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BACKUP_NOT_FOUND: 404,
  CHANNEL_NOT_FOUND: 404,
  CONFLICT: 409,
  CONSTRAINT_UNIQUE: 409,
  CONSTRAINT_FOREIGN_KEY: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  PRIVATE_TARGET_REFUSED: 400,
};

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** Parses request input with a zod schema; problems become a 400 naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields: FieldProblem[] = result.error.issues.map((i) => ({ field: i.path.join('.') || where, message: i.message }));
  throw new PanoptesError('VALIDATION', fields.map((f) => `${f.field}: ${f.message}`).join('; '), { context: { fields } });
}

const positiveId = z.coerce.number().int().positive();

/** The `:id` path parameter: a positive integer, or a 400 naming `id`. */
export function idParam(req: Request): number {
  return parseInput(positiveId, req.params.id, 'id');
}

export function notFound(what: string): PanoptesError {
  return new PanoptesError('NOT_FOUND', `${what} not found`);
}

/** Wraps an async handler so its rejection reaches the error middleware. */
export function route(handler: (req: Request, res: Response, next: NextFunction) => Promise<unknown>): RequestHandler {
  return (req, res, next) => {
    handler(req, res, next).catch(next);
  };
}

/** One error shape for every failure: `{ error: { code, message, fields? } }`; never a stack trace. */
export function errorMiddleware(log: (error: unknown) => void): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const body = (error as { type?: string; status?: number }) ?? {};
    if (body.type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'the request body is too large' } });
      return;
    }
    if (body.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'VALIDATION', message: 'the request body is not valid JSON' } });
      return;
    }
    // Express's own client errors (a missing static file, ...): their status, a plain message.
    if (typeof body.status === 'number' && body.status >= 400 && body.status < 500 && !isPanoptesError(error)) {
      res.status(body.status).json({ error: { code: body.status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', message: body.status === 404 ? 'not found' : 'bad request' } });
      return;
    }
    if (isPanoptesError(error)) {
      const status = STATUS[error.code] ?? (error.code.endsWith('_NOT_FOUND') ? 404 : 500);
      if (status === 500) log(error);
      const fields = (error.context as { fields?: FieldProblem[] }).fields;
      if (status === 429 && typeof error.context.retryAfterSeconds === 'number') res.setHeader('Retry-After', String(error.context.retryAfterSeconds));
      res.status(status).json({ error: { code: error.code, message: status === 500 ? 'internal error' : error.message, ...(fields ? { fields } : {}) } });
      return;
    }
    log(error);
    res.status(500).json({ error: { code: 'INTERNAL', message: 'internal error' } });
  };
}
