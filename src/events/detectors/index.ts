// The takeover detectors, in the order they see each event.
import type { TakeoverConfig } from '../config.js';
import { SenderProfiles } from '../sender-profile.js';
import { bounceFloodDetector } from './bounce-flood.js';
import { campaignLinkDetector } from './campaign-link.js';
import { lateralPhishingDetector } from './lateral-phishing.js';
import { outboundBurstDetector } from './outbound-burst.js';
import { outboundLureDetector } from './outbound-lure.js';
import { persistenceDetector } from './persistence.js';
import { signinAnomalyDetector } from './signin-anomaly.js';
import type { Detector } from './types.js';

export type { Detector } from './types.js';

export function takeoverDetectors(config: TakeoverConfig): Detector[] {
  const profiles = new SenderProfiles(config);
  // first: every sent message is assessed against the account's usual sending before anyone asks about it
  const profiler: Detector = {
    id: 'takeover.sender-profile',
    trackedAccounts: () => profiles.size,
    observe(event) {
      profiles.observe(event);
      return [];
    },
  };
  return [
    profiler,
    campaignLinkDetector(config),
    lateralPhishingDetector(config),
    outboundLureDetector(config, profiles),
    outboundBurstDetector(config, profiles),
    bounceFloodDetector(config, profiles),
    signinAnomalyDetector(config),
    persistenceDetector(config),
  ];
}
