// The people, organisations, hosts and times of the seed-2017 samples. Every name and domain here is
// invented for Kizuki; the story and its times follow the 2017 incident report (see /samples/README.md).

export interface Person {
  name: string;
  /** Japanese name when the person is Japanese (used in Japanese mail) */
  nameJa?: string;
  address: string;
  title: string;
}

/** The company whose mailbox is taken over: a small Japanese video-equipment distributor on Google Workspace. */
export const company = {
  domain: 'tsukishiro-vs.co.jp',
  nameEn: 'Tsukishiro Video Systems Co., Ltd.',
  nameJa: '月白ビデオシステムズ株式会社',
  dkimSelector: 'google',
  site: 'https://www.tsukishiro-vs.co.jp/',
};

export const victim: Person = {
  name: 'Takuma Iwanaga',
  nameJa: '岩永 拓真',
  address: 'iwanaga@tsukishiro-vs.co.jp',
  title: 'Sales Department',
};

export const colleague: Person = {
  name: 'Mariko Hori',
  nameJa: '堀 真理子',
  address: 'hori@tsukishiro-vs.co.jp',
  title: 'Sales Department',
};

/** The US manufacturer the company really buys from; its contact's own account sends the first lure. */
export const partner = {
  domain: 'halvorsen-imaging.com',
  name: 'Halvorsen Imaging, Inc.',
  dkimSelector: 's2017',
  mailHost: 'mail.halvorsen-imaging.com',
  mailIp: '198.51.100.25',
  site: 'https://www.halvorsen-imaging.com/',
  postal: ['1840 NW Raleigh Street', 'Portland, OR 97209', 'USA'],
};

export const partnerContact: Person = {
  name: 'Greg Ostrander',
  address: 'greg.ostrander@halvorsen-imaging.com',
  title: 'Regional Sales Manager, Asia Pacific',
};

/** A Japanese customer on Microsoft 365; its account later sends the Japanese variant. */
export const customerStudio = {
  domain: 'kitaura-studio.co.jp',
  nameJa: '株式会社北浦スタジオ',
  nameEn: 'Kitaura Studio Inc.',
  dkimSelector: 'selector1',
  sharepointHost: 'kitaurastudio-my.sharepoint.com',
};

export const customerContact: Person = {
  name: 'Kenji Sato',
  nameJa: '佐藤 健二',
  address: 'k.sato@kitaura-studio.co.jp',
  title: '技術部',
};

/** The customer whose mail server sends back the bounce (the addressee left the company). */
export const bouncingCustomer = {
  domain: 'marunaka-denki.co.jp',
  mtaHost: 'mx.marunaka-denki.co.jp',
  mtaIp: '192.0.2.140',
  goneAddress: 'y.nakamura@marunaka-denki.co.jp',
};

/** Everyone the attacker mails from the victim's address book; all of them go in Bcc. */
export const bccRecipients = [
  'sales@kitaura-studio.co.jp',
  customerContact.address,
  bouncingCustomer.goneAddress,
  'info@sapporo-eizou.jp',
  'tanabe@oumi-broadcast.co.jp',
  'm.ueda@hinode-av.co.jp',
  'purchasing@nishikaze-media.jp',
  'support@aokiya-camera.co.jp',
  colleague.address,
];

/** Where the attacker's client connected from when sending as the victim through Gmail. */
export const attackerClientIp = '203.0.113.77';

/** The fake Google Docs pages: look-alike hosts on domains that have nothing to do with Google. */
export const phishingUrl = 'https://docs.google.com.document-viewer.online/d/0B4xQ2mXsLk9hZ1pVdE5aN3c/view?usp=sharing';
export const phishingUrlJa = 'https://gdocs.file-share-view.xyz/ja/d/1Hq8vTz0RkPjW3sYc/view';

/** Google's sending hosts as the samples name them (Gmail submission and Drive notifications). */
export const gmailOutboundHost = 'mail-sor-f41.google.com';
export const gmailOutboundIp = '209.85.220.41';
export const driveOutboundHost = 'mail-sor-f69.google.com';
export const driveOutboundIp = '209.85.220.69';
export const microsoftOutboundHost = 'mail-ty1jpn01on2102.outbound.protection.outlook.com';
export const microsoftOutboundIp = '40.107.74.102';

/** The instants of the story (UTC). JST = UTC+9, the partner's Portland office = UTC-7 in July. */
export const times = {
  quotation: new Date('2017-06-14T16:05:31Z'),
  lureInbound: new Date('2017-07-03T13:29:12Z'), // 22:29 JST on 3 July
  driveShare: new Date('2017-07-06T01:12:40Z'),
  sharepointShare: new Date('2017-07-07T05:48:03Z'),
  meetingNote: new Date('2017-07-10T08:15:22Z'),
  lureOutbound: new Date('2017-07-12T00:21:47Z'), // 09:21 JST on 12 July
  bounce: new Date('2017-07-12T00:30:05Z'), // 09:30 JST
  lureJa: new Date('2017-07-14T01:05:18Z'),
};

export const JST = 9 * 60;
export const PDT = -7 * 60;
