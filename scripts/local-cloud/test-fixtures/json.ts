// Typed JSON reads for the local cloud's tests. Each read names the shape the test relies on; the test's own
// assertions check it. Where a value feeds further calls instead of an assertion, it is parsed (zod).
import { z } from 'zod';
import type { CfErrorEntry } from '../http/cf-envelope.ts';

export interface CfEnvelope<Result = unknown> {
  success: boolean;
  errors: CfErrorEntry[];
  messages: CfErrorEntry[];
  result: Result;
}

/** The body of `response`, as the type the caller names. */
export async function readJson<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

const WorkerLocation = z.object({ url: z.url() });

/** Where a deployed script answers (`GET /__local/workers/{script}`): its own http://127.0.0.1:<port>. */
export async function workerUrl(cloudUrl: string, script: string): Promise<string> {
  const response = await fetch(`${cloudUrl}/__local/workers/${script}`);
  return WorkerLocation.parse(await response.json()).url;
}
