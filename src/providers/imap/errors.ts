// IMAP failures in plain words: never the password or token, always what to check.

export interface DescribedError {
  /** one line for a person */
  message: string;
  /** which step failed: reaching the server, logging in, or a command once logged in */
  stage: 'reach' | 'auth' | 'command';
  /** trying again later may work (network, timeouts, server busy) */
  retryable: boolean;
}

export function describeImapError(error: unknown, where: { host: string; port: number; user: string }): DescribedError {
  const err = error as { message?: string; code?: string; authenticationFailed?: boolean; responseText?: string; serverResponseCode?: string };
  const at = `${where.host}:${where.port}`;
  // RFC 5530: UNAVAILABLE is the server's own trouble (its password database is down), not a wrong password
  if (err?.serverResponseCode === 'UNAVAILABLE') {
    return { stage: 'auth', retryable: true, message: `the IMAP server at ${at} could not check the login for ${where.user} just now (${err.responseText || 'temporarily unavailable'})` };
  }
  if (err?.authenticationFailed || err?.serverResponseCode === 'AUTHENTICATIONFAILED') {
    return { stage: 'auth', retryable: false, message: `the IMAP server at ${at} refused the login for ${where.user}: wrong password or token, or the account is locked (${err.responseText || 'authentication failed'})` };
  }
  switch (err?.code) {
    case 'ECONNREFUSED':
      return { stage: 'reach', retryable: true, message: `cannot reach the IMAP server at ${at}: connection refused (is it running, and is the port right?)` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { stage: 'reach', retryable: true, message: `cannot reach the IMAP server: the name ${where.host} does not resolve` };
    case 'ETIMEDOUT':
    case 'ETIMEOUT':
    case 'CONNECT_TIMEOUT':
    case 'GREETING_TIMEOUT':
      return { stage: 'reach', retryable: true, message: `cannot reach the IMAP server at ${at}: no answer in time` };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'NoConnection':
      return { stage: 'reach', retryable: true, message: `the connection to the IMAP server at ${at} was dropped` };
    default:
      break;
  }
  const text = String(err?.message ?? error);
  if (/certificate|self[- ]signed|SSL|TLS/i.test(text)) {
    return { stage: 'reach', retryable: false, message: `the TLS connection to ${at} failed: ${text} (check the host name, or tlsVerify for a self-signed server you trust)` };
  }
  if (/closed|not available|connection/i.test(text)) return { stage: 'reach', retryable: true, message: `the connection to the IMAP server at ${at} was lost (${text})` };
  const detail = err?.responseText ? `${text}: ${err.responseText}` : text;
  return { stage: 'command', retryable: false, message: `the IMAP server at ${at} answered with an error: ${detail}` };
}

export class ImapProviderError extends Error {
  override name = 'ImapProviderError';
  constructor(
    readonly described: DescribedError,
    options?: { cause?: unknown },
  ) {
    super(described.message, options);
  }

  /** false for failures that trying again will not fix (refused login, a command the server rejects) */
  get retryable(): boolean {
    return this.described.retryable;
  }
}
