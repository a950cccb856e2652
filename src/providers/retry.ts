// Retrying a cloud API call: rate limits (429, Google's 403 rateLimitExceeded/userRateLimitExceeded) and server
// errors (5xx, timeouts) are tried again with exponential backoff; anything else fails at once. The sleep is
// injected so tests run without waiting. Shared by the Google and Microsoft providers.

export interface RetryOptions {
  /** attempts in all, the first included */
  attempts: number;
  /** first wait in milliseconds; doubled after each failure, capped at maxDelayMs */
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

export const DEFAULT_RETRY: Omit<RetryOptions, 'sleep'> = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000 };

export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}

/** What the providers need to know about a failed call, read from whichever client threw it. */
export interface CallFailure {
  status?: number;
  /** Google: errors[0].reason; Graph: error.code */
  reason?: string;
  /** seconds from a Retry-After header, when there was one */
  retryAfterSeconds?: number;
  message: string;
  /** worth trying again later */
  retryable: boolean;
}

const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded', 'backendError', 'TooManyRequests', 'ApplicationThrottled']);

function header(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name] ?? (headers as Record<string, unknown>)[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}

/** Reads status, reason and Retry-After from a gaxios error, a Graph client error or a plain Error; never the request. */
export function describeFailure(error: unknown): CallFailure {
  const e = error as {
    status?: number;
    statusCode?: number;
    code?: string | number;
    message?: string;
    response?: { status?: number; headers?: unknown; data?: { error?: { errors?: Array<{ reason?: string }>; message?: string; code?: string } } };
    headers?: unknown;
    body?: unknown;
  };
  const status = typeof e?.response?.status === 'number' ? e.response.status : typeof e?.statusCode === 'number' && e.statusCode > 0 ? e.statusCode : typeof e?.status === 'number' ? e.status : undefined;
  let reason = e?.response?.data?.error?.errors?.[0]?.reason;
  if (!reason && typeof e?.code === 'string' && !/^\d+$/.test(e.code)) reason = e.code;
  const after = header(e?.response?.headers, 'retry-after') ?? header(e?.headers, 'retry-after');
  const retryAfterSeconds = after !== undefined && /^\d+$/.test(after.trim()) ? Number(after) : undefined;
  const message = (e?.response?.data?.error?.message ?? e?.message ?? String(error)).replace(/(Bearer|access_token=)\s*\S+/gi, '$1 <redacted>');
  const network = typeof e?.code === 'string' && /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|UND_ERR_\w+|ABORT_ERR)$/.test(e.code);
  const timeout = /timeout|timed out|aborted/i.test(message) && status === undefined;
  const retryable = status === 429 || (status !== undefined && status >= 500) || (status === 403 && reason !== undefined && RATE_REASONS.has(reason)) || network || timeout;
  const out: CallFailure = { message, retryable };
  if (status !== undefined) out.status = status;
  if (reason) out.reason = reason;
  if (retryAfterSeconds !== undefined) out.retryAfterSeconds = retryAfterSeconds;
  return out;
}

export class ApiFailure extends Error {
  constructor(readonly failure: CallFailure, readonly attempts: number) {
    super(failure.message);
    this.name = 'ApiFailure';
  }

  /** read by the watch loop: false stops the provider (refused credentials, missing permission) instead of retrying */
  get retryable(): boolean {
    return this.failure.retryable;
  }
}

/** Runs `call` until it succeeds, fails for good, or the attempts are spent; throws ApiFailure. */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  let delay = options.baseDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const failure = describeFailure(error);
      if (!failure.retryable || attempt >= options.attempts || options.signal?.aborted) throw new ApiFailure(failure, attempt);
      const wait = failure.retryAfterSeconds !== undefined ? Math.min(failure.retryAfterSeconds * 1000, options.maxDelayMs) : delay;
      await options.sleep(wait);
      delay = Math.min(delay * 2, options.maxDelayMs);
    }
  }
}
