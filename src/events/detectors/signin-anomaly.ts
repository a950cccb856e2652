// Sign-in anomalies: a new country or network for the account, impossible travel between two
// sign-ins, bursts of failures, and the platform's own "suspicious" flag.
import type { AccountEvent, Signal } from '../../model/events.js';
import type { TakeoverConfig } from '../config.js';
import { text } from '../event.js';
import { HOUR, MINUTE, SlidingWindow } from '../window.js';
import { type Detector, makeSignal, PerAccount, timeOf } from './types.js';

interface State {
  countries: Set<string>;
  networks: Set<string>;
  successes: number;
  last?: { at: number; lat: number; lon: number; country: string; id: string };
  failures: SlidingWindow<string>;
  failureQuietUntil: number;
}

/** Great-circle distance in km. */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function signinAnomalyDetector(config: TakeoverConfig): Detector {
  const cfg = config.signin;
  const states = new PerAccount<State>(() => ({
    countries: new Set(),
    networks: new Set(),
    successes: 0,
    failures: new SlidingWindow(cfg.failureWindowMinutes * MINUTE),
    failureQuietUntil: 0,
  }));
  const id = 'takeover.signin';
  return {
    id,
    trackedAccounts: () => states.size,
    observe(event: AccountEvent): Signal[] {
      if (!event.kind.startsWith('signin.')) return [];
      const at = timeOf(event);
      const state = states.get(event.account);
      const ip = text(event.data.ip);
      const country = text(event.data.country).toUpperCase();
      const network = text(event.data.network);
      const where = [country, network, ip].filter(Boolean).join(' / ');
      const signals: Signal[] = [];

      if (event.data.suspicious === true) {
        signals.push(
          makeSignal({
            detector: `${id}.platform-flag`,
            at: event,
            severity: 'high',
            evidence: [event.id],
            en: `The mail platform itself flagged a sign-in to ${event.account} from ${where || 'an unknown place'} as suspicious.`,
            ja: `メール基盤自身が、${where || '不明な場所'} からの ${event.account} へのサインインを不審と判定しました。`,
            data: { ip, country, network },
          }),
        );
      }

      if (event.kind === 'signin.failure') {
        state.failures.push(at, event.id);
        if (state.failures.size >= cfg.failureBurst && at >= state.failureQuietUntil) {
          state.failureQuietUntil = at + cfg.failureWindowMinutes * MINUTE;
          signals.push(
            makeSignal({
              detector: `${id}.failure-burst`,
              at: event,
              severity: 'medium',
              evidence: state.failures.values(),
              en: `${state.failures.size} failed sign-ins to ${event.account} within ${cfg.failureWindowMinutes} minutes: someone may be guessing the password.`,
              ja: `${cfg.failureWindowMinutes} 分間に ${event.account} へのサインイン失敗が ${state.failures.size} 回ありました。パスワードを推測されている可能性があります。`,
              data: { failures: state.failures.size },
            }),
          );
        }
        return signals;
      }
      if (event.kind !== 'signin.success') return signals;

      const seasoned = state.successes >= cfg.minHistory;
      const newCountry = country !== '' && !state.countries.has(country);
      const newNetwork = network !== '' && !state.networks.has(network);
      if (seasoned && (newCountry || newNetwork)) {
        const what = newCountry ? `a country never seen for this account (${country})` : `a network never seen for this account (${network})`;
        const whatJa = newCountry ? `これまで一度もない国(${country})` : `これまで一度もないネットワーク(${network})`;
        signals.push(
          makeSignal({
            detector: `${id}.${newCountry ? 'new-country' : 'new-network'}`,
            at: event,
            severity: 'medium',
            evidence: [event.id],
            en: `${event.account} signed in from ${what}${ip ? `, IP ${ip}` : ''}.`,
            ja: `${event.account} に ${whatJa}${ip ? `(IP ${ip})` : ''} からサインインがありました。`,
            data: { ip, country, network, userAgent: text(event.data.userAgent) },
          }),
        );
      }

      const lat = num(event.data.lat);
      const lon = num(event.data.lon);
      if (lat !== undefined && lon !== undefined) {
        const last = state.last;
        if (last && last.country !== country) {
          const km = distanceKm(last.lat, last.lon, lat, lon);
          const hours = Math.max((at - last.at) / HOUR, 1 / 60);
          const speed = km / hours;
          if (km > 500 && speed > cfg.impossibleTravelKmh) {
            signals.push(
              makeSignal({
                detector: `${id}.impossible-travel`,
                at: event,
                severity: 'high',
                evidence: [last.id, event.id],
                en: `${event.account} signed in from ${last.country} and then from ${country} ${Math.round(km)} km away only ${hours.toFixed(1)} hours later: no one travels that fast.`,
                ja: `${event.account} は ${last.country} からのサインインのわずか ${hours.toFixed(1)} 時間後に、${Math.round(km)} km 離れた ${country} からサインインしています。移動では説明できません。`,
                data: { km: Math.round(km), hours, speedKmh: Math.round(speed) },
              }),
            );
          }
        }
        state.last = { at, lat, lon, country, id: event.id };
      }
      if (country) state.countries.add(country);
      if (network) state.networks.add(network);
      state.successes++;
      return signals;
    },
  };
}
