import type { z } from 'zod';
import { RidgelineError } from './errors.ts';
import { API_INPUTS, type ApiMethod, type ApiParsedInput } from './api.ts';

/** Each schema failure as "field: message". */
export function issueList(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'input'}: ${issue.message}`);
}

/** Formats a schema failure as one line that names each bad field. */
export function describeIssues(error: z.ZodError): string {
  return issueList(error).join('; ');
}

/** Validates the input of an API method, throwing BAD_REQUEST with a precise message. */
export function parseApiInput<M extends ApiMethod>(method: M, input: unknown): ApiParsedInput<M> {
  const schema = API_INPUTS[method] as unknown as z.ZodType<ApiParsedInput<M>>;
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw new RidgelineError('BAD_REQUEST', `${method}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
