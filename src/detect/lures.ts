// Lure wording: what a message asks the reader to do or fear, in the languages Kizuki reads.
// Patterns describe kinds of attack, never phrases of one sample. Latin-script patterns run on text
// with diacritics folded ('você' → 'voce'); Japanese patterns run on NFKC text.

import { noParseCache, type ParseCache } from './parse-cache.js';
import { type MatchStarts, matchStarts, PrefilteredPatterns } from './regex-prefix.js';

export const LURE_KINDS = [
  'fileShare',
  'documentView',
  'credential',
  'accountThreat',
  'mailboxQuota',
  'payment',
  'delivery',
  'voicemail',
  'esign',
  'urgency',
  'prize',
  'extortion',
  'cryptoPayment',
  'advanceFee',
  'unsubscribe',
  'marketing',
  'gatedView',
  'redelivery',
] as const;
export type LureKind = (typeof LURE_KINDS)[number];

export interface LurePatterns {
  latin: RegExp[];
  ja: RegExp[];
}

const L = (...patterns: RegExp[]) => patterns;

export const LURE_PATTERNS: Record<LureKind, LurePatterns> = {
  fileShare: {
    latin: L(
      /\bshared (?:you )?(?:a |an |the |some |\d+ )?(?:new )?(?:file|document|folder|item|spreadsheet|pdf|presentation)s?\b/,
      /\b(?:has|have) shared\b/,
      /\bshared (?:a |an |the )?(?:\w+ )?(?:file|document|folder)s? with you\b/,
      /\bshared with you\b/,
      /\bsent you (?:a |an |the |some )?(?:secure |encrypted |new )?(?:file|document|folder|fax|message)s?\b/,
      /\b(?:file|document|folder)s? (?:has been|have been|was|were) shared\b/,
      /\b(?:you have|you've) (?:received|been sent) (?:a |an )?(?:new )?(?:secure|encrypted|protected) (?:file|document|message)s?\b/,
      /\bcompartilh(?:ou|ado|ada|ou com voce)\b.{0,40}\b(?:arquivo|documento|pasta)s?\b/,
      /\b(?:arquivo|documento|pasta)s? (?:foi |foram )?compartilhad[oa]s?\b/,
      /\bcompartid[oa]s? contigo\b|\bcomparti(?:o|do) (?:un |el )?(?:archivo|documento|carpeta)\b/,
      /\b(?:archivo|documento)s? compartid[oa]s?\b/,
      /\ba partage (?:un |le )?(?:fichier|document|dossier)\b|\bpartage avec vous\b/,
      /\b(?:datei|dokument|ordner) (?:mit ihnen )?(?:ge)?teilt\b|\bhat (?:eine |ein )?(?:datei|dokument|ordner) (?:mit ihnen )?(?:ge)?teilt\b|\bfreigegeben\b/,
      /\bha condiviso\b|\bcondiviso con te\b/,
      /\bheeft (?:een )?(?:bestand|document|map) (?:met u |met je )?gedeeld\b/,
    ),
    ja: L(/ファイルを共有|共有しました|共有されました|共有ファイル|ドキュメントを共有|ファイルが届いて|ファイルをお送り/),
  },
  documentView: {
    latin: L(
      /\b(?:view|open|access|review|download|preview|retrieve) (?:the |your |this |shared |attached |secure )+(?:full |complete )?(?:document|file|pdf|invoice|statement|attachment|folder)s?\b/,
      /\b(?:view|open|access|review) (?:document|pdf|invoice|attachment)\b/,
      /\bclick (?:here|below|the (?:link|button)) to (?:view|open|access|download|review|read)\b/,
      /\b(?:visualizar|abrir|acessar|baixar|ver) (?:o |a |os |as |seu |sua )?(?:documento|arquivo|fatura|boleto|nota fiscal|comprovante|pdf)s?\b/,
      /\b(?:ver|abrir|descargar|acceder al?) (?:el |la |su )?(?:documento|archivo|factura)s?\b/,
      /\b(?:voir|ouvrir|telecharger|consulter) (?:le |la |votre )?(?:document|fichier|facture)\b/,
      /\b(?:dokument|datei|rechnung) (?:ansehen|offnen|herunterladen)\b/,
    ),
    ja: L(/(?:ドキュメント|ファイル|書類|資料|請求書)を?(?:表示|開く|確認|閲覧|ダウンロード)/),
  },
  credential: {
    latin: L(
      /\b(?:verify|confirm|validate|update|re-?activate|restore|unlock|secure|reconfirm|re-?validate) (?:your |the )?(?:e-?mail |mail |web ?mail |outlook |office ?365 |microsoft |apple |bank(?:ing)? |paypal )?(?:account|identity|password|credentials?|login|details|information|info|mailbox|e-?mail address|billing|payment (?:method|details|information))\b/,
      /\b(?:sign|log) ?in (?:to|and) (?:view|access|continue|confirm|verify|download|read|restore|keep)\b/,
      /\b(?:sign|log) ?in with your (?:e-?mail|google|microsoft|office|outlook|work|company|account|credentials)\b/,
      /\bpassword (?:will )?expir|\bpassword (?:is )?(?:due|about to expire)|\bkeep (?:your )?(?:current |same )?password\b/,
      /\b(?:enter|provide|submit) your (?:password|credentials|login|pin|card)\b/,
      /\bunusual (?:sign-?in|login|activity)|\bsuspicious (?:sign-?in|login|activity)\b|\bnew (?:sign-?in|login) (?:attempt|detected)\b/,
      /\b(?:atualiz|confirm|verifiqu|valid|regulariz|recadastr|desbloque)(?:e|ar|a)\w* (?:os |as |seus |suas |o |a |sua |seu )?(?:dados|cadastro|conta|senha|identidade|informacoes|acesso|chave|token|dispositivo)\b/,
      /\b(?:sua|seu) (?:senha|acesso|cadastro|token|chave de seguranca)\b.{0,40}\b(?:expir|venc|bloque|suspens|desativ)/,
      /\b(?:actualic|confirm|verifiqu|valid|reactiv|desbloque)(?:e|ar|a)\w* (?:sus |su |los |la |el )?(?:datos|cuenta|contrasena|identidad|informacion|acceso)\b/,
      /\b(?:mettre a jour|confirmer|verifier|valider) (?:vos |votre )?(?:donnees|compte|mot de passe|identite|informations)\b/,
      /\b(?:bestatigen|aktualisieren|verifizieren) sie (?:ihr|ihre)\b|\b(?:ihr|ihre) (?:konto|passwort|daten) (?:bestatigen|aktualisieren|verifizieren)\b/,
    ),
    ja: L(
      /本人確認|パスワード(?:の|を)?(?:有効期限|期限|更新|変更|再設定|確認)|アカウント(?:情報)?(?:の|を)?(?:確認|更新|認証)|ログインして|サインインして|認証(?:を|して)|情報(?:の|を)更新|お客様情報|ご登録情報/,
      // 敬語 forms: 'ログインのうえ', 'ご認証ください', 'サインインをお願いいたします', 'ログインが必要です'
      /(?:ログイン|サインイン)(?:の上|のうえ|後に|いただき|をお願い|が必要|してください|ください)|(?:ご)?認証(?:が必要|ください|をお願い|いただ)|(?:メールアドレス|メールアカウント|アカウント|ID)(?:と|および|及び|・|、)パスワード/,
    ),
  },
  accountThreat: {
    latin: L(
      /\b(?:account|mailbox|e-?mail|access|card|service)s? (?:has been |have been |was |will be |is |are |may be |is being |being )?(?:temporarily |permanently )?(?:suspended|locked|disabled|deactivated|limited|restricted|closed|blocked|terminated|deleted|on hold)\b/,
      /\b(?:suspend|lock|disable|deactivate|limit|restrict|close|block|terminate|delete)(?:ed)? your (?:account|mailbox|e-?mail|access|card)\b/,
      /\b(?:conta|cartao|acesso|cadastro|chave pix|beneficio)s? (?:foi |sera |esta |pode ser |serao |foram )?(?:temporariamente )?(?:bloquead|suspens|desativad|cancelad|encerrad|limitad|restrit)/,
      /\b(?:cuenta|tarjeta|acceso)s? (?:ha sido |sera |esta |fue )?(?:temporalmente )?(?:bloquead|suspendid|desactivad|cancelad|limitad|restringid)/,
      /\b(?:compte|carte) (?:a ete |sera |est )?(?:suspendu|bloque|desactive|limite|restreint)/,
      /\b(?:konto|karte) (?:wurde |wird |ist )?(?:gesperrt|eingeschrankt|deaktiviert)\b/,
    ),
    ja: L(
      /アカウント(?:が|を|は)?(?:停止|ロック|制限|凍結|無効|削除|一時停止)|利用(?:を)?(?:停止|制限)|(?:カード|口座)(?:の|が)?(?:利用)?(?:停止|制限|凍結)/,
      // 'ご利用を一時的に制限させていただいております', 'アカウントは停止されます', '利用停止予定'
      /(?:ご)?利用を?一時的に(?:制限|停止)|(?:アカウント|メールボックス|ご利用)(?:は|が)(?:一時的に)?(?:停止|制限|凍結|削除)され|利用停止(?:予定|となります|いたします)/,
    ),
  },
  mailboxQuota: {
    latin: L(
      /\b(?:mailbox|e-?mail|storage|quota|inbox|cloud)s? (?:is |are |has |have )?(?:almost |nearly )?(?:full|exceeded|over ?(?:quota|limit)|reached (?:its |the )?(?:limit|capacity))\b/,
      /\b(?:storage|quota) (?:limit|exceeded|warning)\b|\bpending (?:incoming )?(?:e-?mails|messages)\b|\bundelivered (?:e-?mails|messages)\b/,
      /\b(?:caixa (?:de (?:correio|entrada) )?(?:cheia|lotada)|armazenamento (?:cheio|esgotado|lotado))\b|\b(?:buzon|almacenamiento) (?:lleno|completo)\b/,
    ),
    ja: L(/メールボックス(?:の容量|が一杯|がいっぱい)|容量(?:が|を)?(?:超過|上限|不足)|ストレージ(?:が|の)?(?:上限|不足|いっぱい)/),
  },
  payment: {
    latin: L(
      /\b(?:invoice|payment|remittance|wire transfer|bank transfer|purchase order|overdue|outstanding balance|refund|billing statement|tax refund)\b/,
      /\b(?:fatura|boleto|pagamento|comprovante|transferencia|reembolso|restituicao|debito|pix|nota fiscal|cobranca|divida|multa)\b/,
      /\b(?:factura|pago|transferencia|reembolso|recibo|deuda)\b/,
      /\b(?:facture|paiement|virement|remboursement)\b|\b(?:rechnung|zahlung|uberweisung|erstattung)\b/,
    ),
    ja: L(/請求書|お支払い|支払い|振込|返金|未払い|ご入金|決済/),
  },
  delivery: {
    latin: L(
      /\b(?:parcel|package|shipment|delivery|courier|consignment)s? (?:is |has been |was |could not be |couldn't be |on |awaiting |pending |failed|attempt|suspended|held|on hold|notification|status)/,
      /\b(?:delivery|shipping|customs|redelivery) (?:fee|charge|attempt|failed|failure|problem|issue)s?\b|\bunable to deliver\b|\btrack(?:ing)? (?:your )?(?:parcel|package|shipment)\b/,
      /\b(?:encomenda|pacote|entrega|objeto|remessa)s? (?:esta |foi |nao |aguardando |retid|pendente|taxad)|\btaxa (?:de )?(?:entrega|alfandega|importacao|envio)\b|\b(?:correios|rastreio|rastreamento)\b/,
      /\b(?:paquete|envio|entrega)s? (?:pendiente|retenido|no pudo|fallid)|\b(?:colis|livraison) (?:en attente|echouee|suspendue)\b|\b(?:paket|sendung|zustellung) (?:konnte nicht|wartet|ausstehend)\b/,
    ),
    ja: L(/不在(?:通知|連絡)|お荷物|配達(?:できません|予定|状況|失敗)|再配達|配送(?:状況|できません)|宅配便|お届け(?:予定|できませんでした)/),
  },
  voicemail: {
    latin: L(
      /\b(?:voice ?mail|voice message|voice note|missed call|new fax|fax message|incoming fax|audio message|voice memo)s?\b/,
      /\b(?:mensagem de voz|chamada perdida|correio de voz|mensaje de voz|llamada perdida|message vocal|sprachnachricht)\b/,
    ),
    ja: L(/留守番電話|ボイスメール|ボイスメッセージ|音声メッセージ|不在着信|ファックス受信|FAX受信/i),
  },
  esign: {
    latin: L(
      /\b(?:review and sign|please (?:review and )?sign(?! up| in| on)|sign (?:the |this |your )?(?:document|agreement|contract)|awaiting your (?:e-?)?signature|ready for (?:your )?(?:e-?)?signature|(?:document|envelope)s? (?:sent|ready) for (?:your )?(?:e-?)?signature|docusign envelope)\b/,
      /\b(?:assinatura (?:eletronica|digital)|assinar (?:o )?(?:documento|contrato)|firma (?:electronica|digital)|firmar (?:el )?(?:documento|contrato)|signature electronique)\b/,
    ),
    ja: L(/電子署名|電子契約|署名(?:を|して|が)|ご署名/),
  },
  urgency: {
    latin: L(
      /\b(?:within|in the next) (?:24|48|72|12|2|3) ?(?:hours|hrs|h)\b|\b(?:immediately|urgent(?:ly)?|final (?:notice|warning|reminder)|last (?:notice|warning|chance|reminder)|act now|expires? (?:today|soon)|as soon as possible|action required|immediate action|time-sensitive)\b/,
      /\b(?:imediatamente|urgente|ultimo aviso|ultima chance|ultimas horas|em ate (?:24|48|72) ?(?:horas|h)|prazo (?:final|de \d+)|expira (?:hoje|em)|nao perca)\b/,
      /\b(?:inmediatamente|urgente|ultimo aviso|en (?:las proximas )?(?:24|48|72) horas|caduca hoy|dernier (?:avis|rappel)|sofort|dringend|letzte (?:mahnung|warnung))\b/,
    ),
    ja: L(/至急|緊急|(?:24|48|72)時間以内|本日中|期限切れ|直ちに|速やかに|最終(?:通知|警告)/),
  },
  prize: {
    latin: L(
      /\b(?:you(?:'ve| have)? (?:won|been selected|been chosen)|winner|lottery|jackpot|sweepstake|free (?:gift|iphone|reward)|claim (?:your )?(?:reward|prize|gift|bonus)|congratulations|reward points|points (?:will )?expire|gift card|cash ?back|bonus)\b/,
      /\b(?:voce (?:ganhou|foi (?:selecionad|sortead))|parabens|premio|premiad|sorteio|resgat(?:e|ar)|pontos? (?:vao |ira |irao )?expir|milhas|brinde|recompensa|cashback|bonus|gratis)\b/,
      /\b(?:has ganado|ganador|felicidades|premio|sorteo|regalo|recompensa|vous avez gagne|gagnant|felicitations|gewonnen|gewinner)\b/,
    ),
    ja: L(/当選|おめでとうございます|プレゼント|ポイント(?:が|の)?(?:失効|期限)|景品|賞金/),
  },
  extortion: {
    latin: L(
      /\b(?:i (?:have )?(?:hacked|infected|gained access to|recorded)|your (?:device|computer|webcam|camera|account) (?:was|has been) (?:hacked|infected|compromised)|adult (?:website|site|video)s?|masturbat\w*|intimate (?:video|photos))\b/,
      /\b(?:eu (?:hackeei|invadi|gravei)|seu (?:dispositivo|computador) foi (?:hackeado|invadido)|he hackeado|grabe un video)\b/,
    ),
    ja: L(/アダルトサイト|録画しました|ハッキングしました|デバイスに(?:侵入|アクセス)/),
  },
  cryptoPayment: {
    latin: L(/\b(?:bitcoin|btc|ethereum|usdt) (?:wallet|address|carteira)\b|\b(?:send|pay|transfer|envie|pague) (?:me )?(?:\$|usd|us\$)? ?\d[\d.,]* (?:\$|usd|dollars )?(?:in|worth of|em|en) (?:bitcoin|btc)\b|\bcarteira (?:de )?bitcoin\b/),
    ja: L(/ビットコイン(?:で|を)?(?:支払|送金)|ビットコインアドレス/),
  },
  advanceFee: {
    latin: L(
      /\b(?:inheritance|next of kin|beneficiary|unclaimed (?:funds|fund|deposit)|consignment box|(?:million|m) (?:us ?)?(?:dollars|usd|euros|eur|pounds)|(?:us)?\$ ?\d{1,3}(?:,\d{3}){2,}|usd ?\d{1,3}(?:,\d{3}){2,}|barrister|diplomat|compensation fund|investment (?:opportunity|proposal|partner)|business proposal|charity donation|donate (?:the )?(?:sum|funds))\b/,
      /\b(?:heranca|beneficiario|milhoes de (?:dolares|reais|euros)|herencia|millones de (?:dolares|euros))\b/,
    ),
    ja: L(/遺産|相続人|受取人|数百万ドル/),
  },
  unsubscribe: {
    latin: L(
      /\b(?:unsubscribe|opt[- ]?out|remove (?:me|yourself) from (?:this|our|the) (?:list|mailing)|no longer (?:wish|want) to receive|manage (?:your )?(?:e-?mail )?preferences)\b/,
      /\b(?:descadastr|cancelar (?:a )?(?:inscricao|assinatura)|nao deseja (?:mais )?receber|darse de baja|cancelar suscripcion|se desabonner|desinscri|abmelden|austragen)\w*/,
    ),
    ja: L(/配信停止|配信解除|メルマガ(?:の)?解除|購読解除/),
  },
  gatedView: {
    // a document, invoice, file or message that can only be opened after giving a password: how credential lures
    // dress a sign-in page as a viewer ('閲覧にはメールアドレスとパスワードでのログインが必要です')
    latin: L(
      /\bto (?:view|access|open|download|read|see|play) (?:the |this |your |these )?(?:full |shared |secure )?(?:document|file|invoice|message|recording|scan|attachment|pdf|statement)s?,? (?:please )?(?:you (?:will )?(?:need to|must) )?(?:sign|log) ?in\b/,
      /\b(?:sign|log) ?in with your (?:e-?mail|email account|work account|company account)\b.{0,40}\b(?:to )?(?:view|access|open|download|play)\b/,
      /\b(?:e-?mail|email account) (?:address )?(?:and|&) password\b|\bconfirm your (?:e-?mail )?password\b/,
    ),
    ja: L(
      /(?:閲覧|表示|確認|ご覧|開く|開封|ダウンロード|受け取|受取|再生)(?:する|いただく|される)?の?(?:に|には|ために|際(?:に|は)?|場合(?:は)?|にあたって|にあたり)[^。\n]{0,30}(?:ログイン|サインイン|認証|パスワード)/,
      // 'サインインが済みますと、請求書を表示いただけます', 'ログインいただくとご覧になれます'
      /(?:ログイン|サインイン|認証)(?:の上|のうえ|後|して|いただき|を行って|を行い|が(?:済み|完了し|完了す)|すると|しますと|いただくと|されると|いただければ)[^。\n]{0,25}(?:閲覧|ご確認|確認|ご覧|表示|開|ダウンロード|受け取|再生|手続)/,
      /(?:ファイル|ドキュメント|書類|資料|請求書|添付|メッセージ)を(?:開く|閲覧する|表示する|確認する)には[^。\n]{0,30}(?:入力|ログイン|サインイン|認証)/,
    ),
  },
  redelivery: {
    // a parcel that could not be delivered and waits for the reader to act — the redelivery lure's story
    latin: L(
      /\b(?:we (?:were|are) unable to deliver|could(?:n't| not) be delivered|delivery (?:attempt )?(?:failed|was unsuccessful)|(?:package|parcel|shipment) (?:is )?(?:on hold|awaiting|returned to (?:sender|depot))|(?:schedule|arrange|request) (?:a )?redelivery|confirm your (?:delivery|shipping) (?:address|details))\b/,
      /\b(?:nao foi possivel (?:realizar a )?entrega|encomenda (?:retida|aguardando)|reagendar (?:a )?entrega)\b/,
    ),
    ja: L(/再配達|持ち帰り|持ち戻り|宛先不明|ご不在|お届けできません|配達できません|配送先(?:情報|住所)?(?:の|を)(?:確認|ご確認|更新)|返送(?:され|いた|となり)/),
  },
  marketing: {
    latin: L(
      /\b(?:limited time|special offer|exclusive offer|best price|lowest price|order now|buy now|shop now|discount|% off|save \$?\d+|free shipping|deal of the day|money back|risk[- ]free|act fast|satisfaction guaranteed)\b/,
      /\b(?:oferta|promocao|desconto|frete gratis|compre (?:ja|agora)|aproveite|imperdivel|so hoje|liquidacao|descuento|envio gratis|compra ahora|promo)\w*/,
    ),
    ja: L(/期間限定|特別価格|割引|送料無料|今すぐ購入|セール/),
  },
};

/**
 * One pattern per kind and script: a single pass over the text instead of one per phrase. The texts they run on are
 * lower case (normaliseText), and the Latin-script patterns are written in lower-case ASCII only (a test holds them
 * to it), so those need no case-insensitive flag: V8 compiled them about three times slower with it.
 */
const COMBINED = Object.fromEntries(
  LURE_KINDS.map((kind) => {
    const join = (list: RegExp[], flags: string) => (list.length ? new RegExp(list.map((re) => `(?:${re.source})`).join('|'), flags) : undefined);
    return [kind, { latin: join(LURE_PATTERNS[kind].latin, ''), ja: join(LURE_PATTERNS[kind].ja, 'i') }];
  }),
) as Record<LureKind, { latin?: RegExp; ja?: RegExp }>;

// The Latin-script patterns, asked together: one pass finds where a lure's wording could begin, and each pattern
// runs only there (src/detect/regex-prefix.ts). The Japanese ones start with characters the regular-expression
// engine itself skips to quickly, and run as they are. test/detect/prep-fast-paths.test.ts holds findLures to
// findLuresPlain below.
let prefiltered: PrefilteredPatterns | undefined;
let plainCalls = 0;
/** without a parse cache, texts judged by the plain patterns before their beginnings are read (~15 ms cold) */
const PLAIN_UNTIL = 50;

function buildPrefilter(cache: ParseCache): PrefilteredPatterns {
  const startsOf = (source: string): MatchStarts | undefined => {
    const cached = cache.get<MatchStarts | null>('lure-starts', source);
    if (cached !== undefined) return cached ?? undefined;
    const starts = matchStarts(source);
    cache.set('lure-starts', source, starts ?? null);
    return starts;
  };
  return new PrefilteredPatterns(
    LURE_KINDS.map((kind) => COMBINED[kind].latin),
    startsOf,
  );
}

/**
 * Reads the Latin-script lure patterns' beginnings through the parse cache (free once cached). Without a cache
 * nothing happens here: findLures runs the plain patterns for the first texts and reads the beginnings once a
 * batch is under way, so that a one-message run does not pay for them.
 */
export function prepareLures(cache: ParseCache = noParseCache): void {
  if (prefiltered || cache === noParseCache) return;
  prefiltered = buildPrefilter(cache);
}

/** Which lure kinds the text shows. `normalised` comes from normaliseText, `folded` from foldDiacritics of it. */
export function findLures(normalised: string, folded: string): Record<LureKind, boolean> {
  if (!prefiltered) {
    if (plainCalls < PLAIN_UNTIL) {
      plainCalls++;
      return findLuresPlain(normalised, folded);
    }
    prefiltered = buildPrefilter(noParseCache);
  }
  const latin = prefiltered.test(folded);
  const found = {} as Record<LureKind, boolean>;
  LURE_KINDS.forEach((kind, k) => {
    found[kind] = (latin[k] ?? false) || (COMBINED[kind].ja?.test(normalised) ?? false);
  });
  return found;
}

/** findLures by running every combined pattern over the whole text: the reference the prefiltered one must equal. */
export function findLuresPlain(normalised: string, folded: string): Record<LureKind, boolean> {
  const found = {} as Record<LureKind, boolean>;
  for (const kind of LURE_KINDS) {
    const patterns = COMBINED[kind];
    found[kind] = (patterns.latin?.test(folded) ?? false) || (patterns.ja?.test(normalised) ?? false);
  }
  return found;
}

/** The 2017 lure's own subject and its close variants ('shared you a file', 'has shared a document with you'). */
export function isFileShareSubject(normalisedSubject: string): boolean {
  const folded = normalisedSubject;
  return (
    /\bshared? (?:you |with you )?(?:a |an |the )?(?:file|document|folder|item)s?\b/.test(folded) ||
    /\bshared (?:a |an |the )?(?:\w+ )?(?:file|document|folder)s? with you\b/.test(folded) ||
    /\bsent you (?:a |an |the )?(?:file|document)s?\b/.test(folded) ||
    /\bcompartilh\w* (?:um |uma |o |a )?(?:arquivo|documento|pasta)\b/.test(folded) ||
    /\bcomparti\w* (?:un |el )?(?:archivo|documento)\b/.test(folded) ||
    /ファイルを共有|共有しました|共有されました/.test(normalisedSubject)
  );
}
