// Keeps secrets out of logs: passwords in connection URLs and in error messages that quote them.

// greedy to the last "@" before the host, so a password holding a raw "@" is hidden whole
const USERINFO_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^/\s]*@/gi;
const SECRET_PARAMETER = /([?&;](?:password|passwd|pass|pwd|sslpassword|sslkey|secret|token|api[_-]?key)=)[^&;#\s]*/gi;
const KEYWORD_PASSWORD = /(\bpassword\s*=\s*)('[^']*'|"[^"]*"|[^\s&;]+)/gi;

/**
 * The URL (or any text holding URLs, such as an error message) with passwords replaced by `***`:
 * the userinfo password, secret query parameters and libpq `password=` keywords.
 */
export function redactUrl(text: string): string {
  return text.replace(USERINFO_PASSWORD, '$1***@').replace(SECRET_PARAMETER, '$1***').replace(KEYWORD_PASSWORD, '$1***');
}
