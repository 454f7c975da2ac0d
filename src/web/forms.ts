import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/**
 * A browser form's fields as `req.body`, url-encoded or multipart (a file input, such as IdP
 * metadata to upload); a file's content arrives as its text. Multipart is read by the WHATWG
 * FormData parser Node ships, so no parser of our own.
 */
export function formFields(limit: string): RequestHandler[] {
  const raw = express.raw({ type: 'multipart/form-data', limit });
  const urlencoded = express.urlencoded({ extended: false, limit });
  const multipart = async (req: Request, _res: Response, next: NextFunction) => {
    if (!Buffer.isBuffer(req.body)) return next();
    try {
      const form = await new Response(req.body, { headers: { 'content-type': req.get('content-type') ?? '' } }).formData();
      const fields: Record<string, string> = {};
      for (const [name, value] of form) fields[name] = typeof value === 'string' ? value : await value.text();
      req.body = fields;
      next();
    } catch (err) {
      next(Object.assign(new Error('the form could not be read'), { status: 400, cause: err }));
    }
  };
  return [urlencoded, raw, multipart];
}
