// A quick guess at the main language of a body: the writing system first (kana means
// Japanese), then, for Latin script, which language's most common short words occur most.

export type LanguageGuess = 'en' | 'ja' | 'pt' | 'es' | 'de' | 'fr' | 'it' | 'nl' | 'other' | 'unknown';

const STOP_WORDS: Record<'en' | 'pt' | 'es' | 'de' | 'fr' | 'it' | 'nl', string> = {
  en: 'the and to of you your is in for this that with on are be we have please it will from our not at by an as or has been',
  pt: 'de que não o os do da em um uma para com por seu sua você é mais são dos das no na foi ao pelo seus também está conta',
  es: 'el la los las de que y en un una por con para es su usted del al se no más este esta sus como pero cuenta ha',
  de: 'der die das und ist nicht sie ich mit den zu ein eine für auf ihr ihre wir von dem des sich auch bitte werden wird haben oder bei im',
  fr: 'le la les de des et est un une vous votre vos pour dans que qui sur pas avec du au ce cette nous sont par être il',
  it: 'il la di che e per un una non sono con del della gli le è ai al alla questo questa suo tuo vostro nel più anche come',
  nl: 'de het een en van is dat niet je uw op te voor met zijn wij ook aan er maar bij om dit deze hebt heeft naar worden wordt',
};

type WordLanguage = keyof typeof STOP_WORDS;
/** The languages told apart by their words, in the order ties are settled (the first wins). */
const WORD_LANGUAGE_ORDER: WordLanguage[] = ['en', 'pt', 'es', 'de', 'fr', 'it', 'nl'];

/** word → positions in WORD_LANGUAGE_ORDER of the languages it is a common word of */
const WORD_LANGUAGES = new Map<string, number[]>();
let longestStopWord = 0;
for (const [language, words] of Object.entries(STOP_WORDS) as Array<[WordLanguage, string]>) {
  for (const word of words.split(' ')) {
    const list = WORD_LANGUAGES.get(word) ?? [];
    list.push(WORD_LANGUAGE_ORDER.indexOf(language));
    WORD_LANGUAGES.set(word, list);
    longestStopWord = Math.max(longestStopWord, word.length);
  }
}

/** Characters looked at; a body's opening is enough to tell its language. */
const SAMPLE_CHARS = 1500;
/** Characters whose words are counted; a few hundred words are plenty. */
const WORD_SAMPLE_CHARS = 1200;

/** The letters of a word, as the character class [a-zà-öø-ÿ] (text already lower-cased). */
export function isWordLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0xe0 && code <= 0xf6) || (code >= 0xf8 && code <= 0xff);
}

export function guessLanguage(text: string): LanguageGuess {
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  let kana = 0;
  let han = 0;
  let latin = 0;
  let otherScript = 0;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    if (code < 0x80) {
      if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)) latin++;
    } else if (code >= 0x3040 && code <= 0x30ff) kana++;
    else if ((code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf)) han++;
    else if (code >= 0xff66 && code <= 0xff9f) kana++;
    else if (code >= 0xc0 && code <= 0x24f) latin++;
    else if (code >= 0x370 && code < 0x3000) otherScript++;
    else if (code >= 0xac00 && code <= 0xd7af) otherScript++;
  }
  const letters = kana + han + latin + otherScript;
  if (letters === 0) return 'unknown';
  // Kana only occur in Japanese; Han without kana is most likely Chinese.
  if (kana >= 3 && (kana + han) * 4 >= letters) return 'ja';
  if (han + otherScript + kana > latin) return 'other';

  const scores = new Float64Array(WORD_LANGUAGE_ORDER.length);
  let words = 0;
  const wordSample = sample.length > WORD_SAMPLE_CHARS ? sample.slice(0, WORD_SAMPLE_CHARS) : sample;
  // The words are the runs of WORD_LETTERS; found by hand, as a regex's match objects cost more than the lookups.
  const lower = wordSample.toLowerCase();
  for (let i = 0; i < lower.length; i++) {
    if (!isWordLetter(lower.charCodeAt(i))) continue;
    const start = i;
    while (i + 1 < lower.length && isWordLetter(lower.charCodeAt(i + 1))) i++;
    words++;
    if (i + 1 - start > longestStopWord) continue;
    const languages = WORD_LANGUAGES.get(lower.slice(start, i + 1));
    if (!languages) continue;
    for (const language of languages) scores[language]! += 1 / languages.length;
  }
  let best = 0;
  for (let language = 1; language < scores.length; language++) {
    if (scores[language]! > scores[best]!) best = language;
  }
  if (scores[best]! >= 2) return WORD_LANGUAGE_ORDER[best]!;
  return words >= 8 ? 'other' : 'unknown';
}
