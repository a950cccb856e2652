// The fictional people and organisations of the fixture messages. Every organisation, person and address here is
// invented; the platforms (Google, Microsoft, DocuSign …) are real and appear only as the senders of their own kind
// of notification, written from their documented formats.

export interface Person {
  ja: string;
  en: string;
  /** local part of the mailbox */
  local: string;
}

export interface Org {
  nameJa: string;
  nameEn: string;
  domain: string;
  /** who receives its mail */
  receiver: 'gmail' | 'm365';
  /** SharePoint tenant name (Microsoft 365 organisations) */
  tenant?: string;
  people: Person[];
  lang: 'ja' | 'en' | 'de' | 'pt';
  dmarc: string;
  /** the organisation's outbound relay as the recipient's host sees it */
  outHost: string;
  outIp: string;
}

const P = (ja: string, en: string, local: string): Person => ({ ja, en, local });

/** The organisations whose mailboxes the fixtures were taken from. */
export const HOME: Org[] = [
  {
    nameJa: '株式会社みなと精機',
    nameEn: 'Minato Seiki Co., Ltd.',
    domain: 'minato-seiki.co.jp',
    receiver: 'gmail',
    people: [
      P('佐藤 美咲', 'Misaki Sato', 'm.sato'),
      P('高橋 健一', 'Kenichi Takahashi', 'k.takahashi'),
      P('田中 由紀', 'Yuki Tanaka', 'y.tanaka'),
      P('伊藤 翔太', 'Shota Ito', 's.ito'),
      P('渡辺 真理子', 'Mariko Watanabe', 'm.watanabe'),
      P('山本 大輔', 'Daisuke Yamamoto', 'd.yamamoto'),
    ],
    lang: 'ja',
    dmarc: 'quarantine',
    outHost: 'mail-sor-f41.google.com',
    outIp: '209.85.220.41',
  },
  {
    nameJa: '朝比奈フーズ株式会社',
    nameEn: 'Asahina Foods Corporation',
    domain: 'asahina-foods.co.jp',
    receiver: 'm365',
    tenant: 'asahinafoods',
    people: [
      P('中村 彩', 'Aya Nakamura', 'aya.nakamura'),
      P('小林 誠', 'Makoto Kobayashi', 'makoto.kobayashi'),
      P('加藤 恵', 'Megumi Kato', 'megumi.kato'),
      P('吉田 拓也', 'Takuya Yoshida', 'takuya.yoshida'),
      P('松本 千尋', 'Chihiro Matsumoto', 'chihiro.matsumoto'),
    ],
    lang: 'ja',
    dmarc: 'reject',
    outHost: 'TY3P286CU002.outbound.protection.outlook.com',
    outIp: '40.107.74.98',
  },
  {
    nameJa: 'ファーンヒル・スタジオ',
    nameEn: 'Fernhill Studio',
    domain: 'fernhill-studio.com',
    receiver: 'gmail',
    people: [P('エマ・ホルト', 'Emma Holt', 'emma'), P('ダニエル・リース', 'Daniel Reese', 'daniel'), P('プリヤ・ナイル', 'Priya Nair', 'priya')],
    lang: 'en',
    dmarc: 'none',
    outHost: 'mail-sor-f65.google.com',
    outIp: '209.85.220.65',
  },
];

/** Partners and customers who write to them. */
export const PARTNERS: Org[] = [
  {
    nameJa: '株式会社北浜電機',
    nameEn: 'Kitahama Denki Co., Ltd.',
    domain: 'kitahama-denki.co.jp',
    receiver: 'm365',
    tenant: 'kitahamadenki',
    people: [P('井上 亮', 'Ryo Inoue', 'r-inoue'), P('木村 沙織', 'Saori Kimura', 's-kimura'), P('林 直樹', 'Naoki Hayashi', 'n-hayashi')],
    lang: 'ja',
    dmarc: 'quarantine',
    outHost: 'OS0P286CU010.outbound.protection.outlook.com',
    outIp: '52.101.228.41',
  },
  {
    nameJa: '有限会社ささき印刷',
    nameEn: 'Sasaki Printing Ltd.',
    domain: 'sasaki-print.co.jp',
    receiver: 'gmail',
    people: [P('佐々木 弘', 'Hiroshi Sasaki', 'h.sasaki'), P('清水 遥', 'Haruka Shimizu', 'shimizu')],
    lang: 'ja',
    dmarc: 'none',
    outHost: 'mail-sor-f73.google.com',
    outIp: '209.85.220.73',
  },
  {
    nameJa: '株式会社アオバ物流',
    nameEn: 'Aoba Logistics Inc.',
    domain: 'aoba-logi.jp',
    receiver: 'gmail',
    people: [P('森田 和也', 'Kazuya Morita', 'morita'), P('石川 奈々', 'Nana Ishikawa', 'ishikawa')],
    lang: 'ja',
    dmarc: 'none',
    outHost: 'mx12.aoba-logi.jp',
    outIp: '203.0.113.44',
  },
  {
    nameJa: 'ブレナー計測',
    nameEn: 'Brenner Messtechnik GmbH',
    domain: 'brenner-messtechnik.de',
    receiver: 'm365',
    tenant: 'brennermt',
    people: [P('ユリア・ブレナー', 'Julia Brenner', 'j.brenner'), P('トビアス・ケラー', 'Tobias Keller', 't.keller')],
    lang: 'de',
    dmarc: 'quarantine',
    outHost: 'EUR05-AM6-obe.outbound.protection.outlook.com',
    outIp: '40.107.22.117',
  },
  {
    nameJa: 'アンドラーデ社',
    nameEn: 'Andrade & Filhos Ltda.',
    domain: 'andradefilhos.com.br',
    receiver: 'gmail',
    people: [P('マリアナ・アンドラーデ', 'Mariana Andrade', 'mariana'), P('ルーカス・ペレイラ', 'Lucas Pereira', 'lucas.pereira')],
    lang: 'pt',
    dmarc: 'none',
    outHost: 'mail-sor-f97.google.com',
    outIp: '209.85.220.97',
  },
  {
    nameJa: 'ハルデン光学',
    nameEn: 'Halden Optics Ltd',
    domain: 'haldenoptics.co.uk',
    receiver: 'm365',
    tenant: 'haldenoptics',
    people: [P('オリバー・グラント', 'Oliver Grant', 'oliver.grant'), P('ソフィー・ベル', 'Sophie Bell', 'sophie.bell')],
    lang: 'en',
    dmarc: 'reject',
    outHost: 'GBR01-LO2-obe.outbound.protection.outlook.com',
    outIp: '40.107.20.62',
  },
  {
    nameJa: 'ノースゲート社',
    nameEn: 'Northgate Components Inc.',
    domain: 'northgate-components.com',
    receiver: 'gmail',
    people: [P('ジェイソン・パーク', 'Jason Park', 'jpark'), P('レイチェル・オード', 'Rachel Ord', 'rord')],
    lang: 'en',
    dmarc: 'reject',
    outHost: 'mail-sor-f44.google.com',
    outIp: '209.85.220.44',
  },
];

export const FILE_NAMES: Record<'doc' | 'sheet' | 'slides' | 'file', ReadonlyArray<readonly [string, string]>> = {
  doc: [
    ['2026年度 販売計画（案）', 'FY2026 sales plan (draft)'],
    ['展示会 出展報告書', 'Trade show report'],
    ['新製品リリース原稿', 'Product launch press release'],
    ['品質会議 議事録 11月', 'Quality meeting minutes - November'],
    ['取扱説明書 改訂版 v3', 'User manual revision v3'],
  ],
  sheet: [
    ['在庫一覧_第3四半期', 'Inventory Q3'],
    ['出張旅費精算 2025', 'Travel expenses 2025'],
    ['部品単価比較表', 'Parts price comparison'],
    ['出荷予定表 12月', 'December shipping schedule'],
  ],
  slides: [
    ['役員会資料 12月', 'Board deck December'],
    ['新人研修 オリエンテーション', 'New hire orientation'],
    ['顧客向け提案書 ドラフト', 'Customer proposal draft'],
  ],
  file: [
    ['製品カタログ_2026.pdf', 'Product_catalogue_2026.pdf'],
    ['図面_HX-220_rev4.pdf', 'Drawing_HX-220_rev4.pdf'],
    ['写真_工場見学.zip', 'Factory_tour_photos.zip'],
  ],
};
