// Guardrails no playbook can override: protected accounts, the organisation's own domains, a ceiling on accounts
// touched per hour, and the mode ceiling (the most cautious of configuration, playbook and step wins; a step that
// locks a person out runs unattended only on strong evidence).
import type { RespondConfig } from './config.js';
import type { EvidenceStrength, Playbook, StepMode, StepSpec } from './types.js';
import { STEP_MODES } from './types.js';

export type GuardrailVerdict =
  | { allow: true }
  /** never: the step is skipped and no approval can change that */
  | { allow: false; hold: false; en: string; ja: string }
  /** not now: the step waits for a person */
  | { allow: false; hold: true; en: string; ja: string };

export function mostCautious(...modes: Array<StepMode | undefined>): StepMode {
  let index = 0;
  for (const mode of modes) if (mode) index = Math.max(index, STEP_MODES.indexOf(mode));
  return STEP_MODES[index] ?? 'approval';
}

/** The mode a step runs in, and why it is more cautious than the playbook asks, if it is. */
export function effectiveMode(config: RespondConfig, playbook: Playbook, step: StepSpec, evidence: EvidenceStrength): { mode: StepMode; en?: string; ja?: string } {
  const override = config.playbooks[playbook.id];
  const base = step.id.includes('.onFailure') ? step.id.split('.onFailure')[0] ?? step.id : step.id;
  const mode = mostCautious(config.mode, override?.mode, playbook.mode, step.mode, override?.steps[step.id], override?.steps[base]);
  if (step.lockout && evidence !== 'strong' && mode === 'automatic') {
    return {
      mode: 'approval',
      en: 'this step locks a person out and the incident rests on behaviour only, so a person must approve it',
      ja: 'この手順は利用者を締め出すもので、インシデントの根拠が振る舞いのみのため、承認が必要です',
    };
  }
  if (mode === 'approval') return { mode, en: 'approval is required by the configuration or the playbook', ja: '設定またはプレイブックにより承認が必要です' };
  return { mode };
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** May this account be acted on at all? */
export function accountAllowed(config: RespondConfig, orgDomains: readonly string[], account: string): GuardrailVerdict {
  const a = account.toLowerCase();
  if (config.protectedAccounts.includes(a)) {
    return { allow: false, hold: false, en: `${a} is a protected (break-glass or administrator) account: Kizuki never acts on it`, ja: `${a} は保護対象(緊急用・管理者)アカウントのため、Kizuki は操作しません` };
  }
  const domains = orgDomains.map((d) => d.toLowerCase());
  if (!domains.length) return { allow: false, hold: false, en: 'org.domains is not configured: Kizuki acts only on accounts in the organisation\'s own domains', ja: 'org.domains が未設定です。Kizuki は自組織のドメインのアカウントのみ操作します' };
  if (!domains.includes(domainOf(a))) {
    return { allow: false, hold: false, en: `${a} is outside the organisation's domains (${domains.join(', ')})`, ja: `${a} は自組織のドメイン(${domains.join('、')})の外です` };
  }
  return { allow: true };
}

/** The per-hour ceiling: `touched` are the accounts acted on in the last hour. */
export function rateAllowed(config: RespondConfig, touched: ReadonlySet<string>, account: string): GuardrailVerdict {
  const a = account.toLowerCase();
  if (touched.has(a) || touched.size < config.maxAccountsPerHour) return { allow: true };
  return {
    allow: false,
    hold: true,
    en: `${touched.size} accounts were already acted on in the last hour (limit ${config.maxAccountsPerHour}); a person must approve more`,
    ja: `直近 1 時間に既に ${touched.size} アカウントを操作しました(上限 ${config.maxAccountsPerHour})。これ以上は承認が必要です`,
  };
}
