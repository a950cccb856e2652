// The takeover detectors, in the order they see each event.
import type { TakeoverConfig } from '../config.js';
import { bounceFloodDetector } from './bounce-flood.js';
import { campaignLinkDetector } from './campaign-link.js';
import { lateralPhishingDetector } from './lateral-phishing.js';
import { outboundBurstDetector } from './outbound-burst.js';
import { persistenceDetector } from './persistence.js';
import { signinAnomalyDetector } from './signin-anomaly.js';
import type { Detector } from './types.js';

export type { Detector } from './types.js';

export function takeoverDetectors(config: TakeoverConfig): Detector[] {
  return [
    campaignLinkDetector(config),
    lateralPhishingDetector(config),
    outboundBurstDetector(config),
    bounceFloodDetector(config),
    signinAnomalyDetector(config),
    persistenceDetector(config),
  ];
}
