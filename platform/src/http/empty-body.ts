import { z } from '@hono/zod-openapi';

/**
 * The request body of an action route that takes no input (start, end, join…): optional, and `{}` when sent,
 * so clients may POST nothing while the OpenAPI document still says exactly what is accepted.
 */
export const emptyBody = (name: string) => ({
  required: false,
  content: { 'application/json': { schema: z.object({}).strict().openapi(name) } },
});
