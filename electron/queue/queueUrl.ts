/**
 * Queue URLs: the rules themselves are in shared/queueUrl.ts (the app's launcher checks a URL by them
 * too); what only a process has (its environment) is here.
 */
export { isLoopbackHost, parseQueueUrl, redact, type QueueAddress } from '../../shared/queueUrl.ts';

/** The queue URL from --queue, or else RIDGELINE_QUEUE; undefined when neither is given. */
export function queueUrlFrom(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (option !== undefined) return option;
  const fromEnv = env.RIDGELINE_QUEUE;
  return fromEnv === undefined || fromEnv.trim() === '' ? undefined : fromEnv.trim();
}
