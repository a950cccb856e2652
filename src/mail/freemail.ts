// Mail services where anyone can open a personal address for free (plus Japanese mobile
// carriers' personal addresses). Mail from these domains is from a person, not from the
// company whose name is in the display name. Kept as data: add domains here only.

const FREEMAIL_DOMAINS = [
  // global
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'aol.com', 'icloud.com',
  'me.com', 'mac.com', 'yahoo.com', 'ymail.com', 'rocketmail.com', 'protonmail.com', 'protonmail.ch', 'proton.me',
  'pm.me', 'tutanota.com', 'tutanota.de', 'tuta.io', 'tuta.com', 'gmx.com', 'gmx.net', 'mail.com', 'zoho.com',
  'zohomail.com', 'yandex.com', 'fastmail.com', 'hushmail.com', 'inbox.com', 'email.com', 'usa.com', 'aim.com',
  // Japan
  'yahoo.co.jp', 'ybb.ne.jp', 'outlook.jp', 'hotmail.co.jp', 'live.jp', 'excite.co.jp', 'docomo.ne.jp',
  'ezweb.ne.jp', 'au.com', 'softbank.ne.jp', 'i.softbank.jp', 'disney.ne.jp', 'ymobile.ne.jp', 'rakuten.jp',
  // Europe
  'gmx.de', 'gmx.at', 'gmx.ch', 'gmx.fr', 'web.de', 't-online.de', 'freenet.de', 'yahoo.de', 'hotmail.de', 'outlook.de',
  'yahoo.fr', 'hotmail.fr', 'outlook.fr', 'live.fr', 'orange.fr', 'wanadoo.fr', 'laposte.net', 'free.fr', 'sfr.fr',
  'yahoo.es', 'hotmail.es', 'outlook.es', 'yahoo.it', 'hotmail.it', 'libero.it', 'virgilio.it', 'tiscali.it',
  'yahoo.co.uk', 'hotmail.co.uk', 'live.co.uk', 'btinternet.com', 'hotmail.nl', 'live.nl', 'ziggo.nl', 'kpnmail.nl',
  'seznam.cz', 'wp.pl', 'o2.pl', 'interia.pl', 'onet.pl', 'mail.ru', 'inbox.ru', 'bk.ru', 'list.ru', 'yandex.ru',
  'rambler.ru', 'ukr.net',
  // the Americas
  'yahoo.com.br', 'hotmail.com.br', 'outlook.com.br', 'bol.com.br', 'uol.com.br', 'terra.com.br', 'ig.com.br',
  'yahoo.com.mx', 'hotmail.com.mx', 'prodigy.net.mx', 'yahoo.com.ar', 'hotmail.com.ar', 'yahoo.ca', 'comcast.net',
  'verizon.net', 'att.net', 'sbcglobal.net', 'cox.net', 'charter.net',
  // Asia and elsewhere
  'qq.com', '163.com', '126.com', 'sina.com', 'sohu.com', 'naver.com', 'hanmail.net', 'daum.net', 'yahoo.co.in',
  'rediffmail.com', 'yahoo.com.tw', 'yahoo.com.hk', 'yahoo.com.sg', 'yahoo.com.au', 'bigpond.com',
];

const FREEMAIL = new Set(FREEMAIL_DOMAINS);

/** The domain (or, failing that, its registrable domain) is a free personal mail service. */
export function isFreemailDomain(domain: string, registrable = ''): boolean {
  if (!domain) return false;
  return FREEMAIL.has(domain.toLowerCase()) || (registrable !== '' && FREEMAIL.has(registrable.toLowerCase()));
}
