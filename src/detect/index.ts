// Public face of the detection stage.
export type { DetectionOptions, Detector, PreparedJudgement, RuleInfo } from './detector.js';
export { builtInRulesDir, loadDetector, loadPreparer, loadRules, RuleLoadError } from './detector.js';
export { updateProfile } from './profile.js';
export { MALICIOUS_AT, SPAM_AT, SUSPICIOUS_AT } from './verdict.js';
