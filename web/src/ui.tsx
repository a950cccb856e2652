// Small pieces every page uses.
import { useEffect, useState } from 'react';
import { ApiError, api, type User } from './api';
import { type Lang, t, type WordKey } from './i18n';

export interface PageProps {
  lang: Lang;
  user: User;
  go: (path: string) => void;
}

export function ErrorLine({ error }: { error: unknown }) {
  if (!error) return null;
  return <p className="error">{error instanceof ApiError || error instanceof Error ? error.message : String(error)}</p>;
}

/** Loads `path` once (again when `path` or `version` changes). */
export function useLoad<T>(path: string, version = 0): { data?: T; error?: unknown } {
  const [state, setState] = useState<{ data?: T; error?: unknown }>({});
  useEffect(() => {
    let live = true;
    setState({});
    api<T>(path).then(
      (data) => live && setState({ data }),
      (error) => live && setState({ error }),
    );
    return () => {
      live = false;
    };
  }, [path, version]);
  return state;
}

export function VerdictBadge({ lang, verdict }: { lang: Lang; verdict: string }) {
  const known = ['malicious', 'suspicious', 'spam', 'clean'].includes(verdict);
  return <span className={`badge v-${verdict}`}>{known ? t(lang, verdict as WordKey) : verdict}</span>;
}

export function Loading({ lang, error }: { lang: Lang; error?: unknown }) {
  return error ? <ErrorLine error={error} /> : <p>{t(lang, 'loading')}</p>;
}

export function Link({ to, go, children }: { to: string; go: (p: string) => void; children: React.ReactNode }) {
  return (
    <a
      href={to}
      onClick={(e) => {
        e.preventDefault();
        go(to);
      }}
    >
      {children}
    </a>
  );
}
