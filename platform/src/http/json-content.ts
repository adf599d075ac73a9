import { z } from '@hono/zod-openapi';

/** A JSON request body for a route declaration. */
export const jsonBody = <T extends z.ZodType>(schema: T, required = true) => ({
  required,
  content: { 'application/json': { schema } },
});

/** A JSON response for a route declaration. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/**
 * The request body of an action route that takes no input (start, end, join…): optional, and `{}` when sent,
 * so clients may POST nothing while the OpenAPI document still says exactly what is accepted.
 */
export const emptyBody = (name: string) => jsonBody(z.object({}).strict().openapi(name), false);
