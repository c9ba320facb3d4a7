import { describe, expect, it } from "vitest";
import { francAll } from "franc";
import { isInLanguage } from "../../../runtime/judges/instructions/text/langid.js";
import { createIdentifier } from "../../../runtime/judges/instructions/text/trigrams.js";
import { FAIL, LOOSE_ONLY, PASS, judge, outcome } from "./helpers.js";

const id = "language:response_language";

/** One sentence in each of IFEval's 30 response languages (and Chinese). */
const SENTENCES: Record<string, string> = {
  en: "The weather today is lovely, and we are planning to walk along the river after lunch.",
  es: "El clima de hoy es agradable y planeamos caminar por el río después del almuerzo.",
  pt: "O tempo hoje está agradável e planejamos caminhar ao longo do rio depois do almoço.",
  fr: "Le temps est agréable aujourd'hui et nous prévoyons de marcher le long de la rivière après le déjeuner.",
  de: "Das Wetter ist heute schön, und wir wollen nach dem Mittagessen am Fluss spazieren gehen.",
  it: "Il tempo oggi è bello e abbiamo intenzione di passeggiare lungo il fiume dopo pranzo.",
  ru: "Сегодня прекрасная погода, и после обеда мы собираемся прогуляться вдоль реки.",
  uk: "Сьогодні чудова погода, і після обіду ми плануємо прогулятися вздовж річки.",
  bg: "Днес времето е хубаво и след обяд смятаме да се разходим покрай реката.",
  pl: "Dzisiaj jest piękna pogoda i po obiedzie planujemy spacer wzdłuż rzeki.",
  fi: "Tänään on kaunis sää, ja aiomme kävellä joen varrella lounaan jälkeen.",
  vi: "Hôm nay thời tiết rất đẹp và chúng tôi định đi dạo dọc bờ sông sau bữa trưa.",
  sw: "Hali ya hewa leo ni nzuri na tunapanga kutembea kando ya mto baada ya chakula cha mchana.",
  ar: "الطقس جميل اليوم ونخطط للمشي على طول النهر بعد الغداء.",
  fa: "هوا امروز خوب است و قصد داریم بعد از ناهار در کنار رودخانه قدم بزنیم.",
  ur: "آج موسم بہت اچھا ہے اور ہم دوپہر کے کھانے کے بعد دریا کے کنارے چہل قدمی کا ارادہ رکھتے ہیں۔",
  hi: "आज मौसम बहुत अच्छा है और हम दोपहर के भोजन के बाद नदी के किनारे टहलने की योजना बना रहे हैं।",
  mr: "आज हवामान छान आहे आणि आम्ही दुपारच्या जेवणानंतर नदीकाठी फिरायला जाण्याचा विचार करत आहोत.",
  ne: "आज मौसम राम्रो छ र हामी दिउँसोको खाना पछि नदीको किनारमा हिँड्ने योजना बनाउँदैछौं।",
  bn: "আজ আবহাওয়া খুব সুন্দর এবং আমরা দুপুরের খাবারের পরে নদীর ধারে হাঁটার পরিকল্পনা করছি।",
  ta: "இன்று வானிலை நன்றாக உள்ளது, மதிய உணவுக்குப் பிறகு ஆற்றங்கரையில் நடக்கத் திட்டமிட்டுள்ளோம்.",
  te: "ఈ రోజు వాతావరణం చాలా బాగుంది, మధ్యాహ్న భోజనం తర్వాత నది ఒడ్డున నడవాలని అనుకుంటున్నాము.",
  kn: "ಇಂದು ಹವಾಮಾನ ಚೆನ್ನಾಗಿದೆ ಮತ್ತು ಊಟದ ನಂತರ ನದಿಯ ದಡದಲ್ಲಿ ನಡೆಯಲು ಯೋಜಿಸಿದ್ದೇವೆ.",
  ml: "ഇന്ന് കാലാവസ്ഥ മനോഹരമാണ്, ഉച്ചഭക്ഷണത്തിന് ശേഷം നദീതീരത്ത് നടക്കാൻ ഞങ്ങൾ പദ്ധതിയിടുന്നു.",
  gu: "આજે હવામાન સરસ છે અને અમે બપોરના ભોજન પછી નદી કિનારે ચાલવાની યોજના બનાવી રહ્યા છીએ.",
  pa: "ਅੱਜ ਮੌਸਮ ਬਹੁਤ ਵਧੀਆ ਹੈ ਅਤੇ ਅਸੀਂ ਦੁਪਹਿਰ ਦੇ ਖਾਣੇ ਤੋਂ ਬਾਅਦ ਨਦੀ ਦੇ ਕੰਢੇ ਸੈਰ ਕਰਨ ਦੀ ਯੋਜਨਾ ਬਣਾ ਰਹੇ ਹਾਂ।",
  th: "วันนี้อากาศดีมาก และเราวางแผนจะเดินเล่นริมแม่น้ำหลังอาหารกลางวัน",
  ja: "今日は天気がとても良いので、昼食の後に川沿いを散歩する予定です。",
  ko: "오늘은 날씨가 정말 좋아서 점심 식사 후에 강을 따라 산책할 계획입니다.",
  he: "מזג האוויר היום נעים ואנחנו מתכננים לטייל לאורך הנהר אחרי ארוחת הצהריים.",
  zh: "今天天气很好，我们打算午饭后沿着河边散步。",
};

describe("language:response_language", () => {
  it.each(Object.entries(SENTENCES))("identifies %s", (code, text) => {
    expect(outcome(id, { language: code }, text)).toEqual(PASS);
  });

  it("rejects English where another language is asked for, and the reverse", () => {
    expect(outcome(id, { language: "de" }, SENTENCES.en as string)).toEqual(FAIL);
    expect(outcome(id, { language: "en" }, SENTENCES.fr as string)).toEqual(FAIL);
    expect(outcome(id, { language: "ru" }, SENTENCES.uk as string)).toEqual(FAIL);
    expect(outcome(id, { language: "hi" }, SENTENCES.mr as string)).toEqual(FAIL);
    expect(outcome(id, { language: "ja" }, SENTENCES.zh as string)).toEqual(FAIL);
  });

  it("accepts a longer answer with markdown", () => {
    const text = `## Antwort\n\n* ${SENTENCES.de}\n* Danach trinken wir Kaffee und essen Kuchen im Garten.\n\nViele Grüße!`;
    expect(outcome(id, { language: "de" }, text)).toEqual(PASS);
  });

  it("loose drops an English preamble before the answer", () => {
    const text = "Sure! Here is my answer, which I have written for you in the language you asked for:\nDas Wetter ist heute schön.";
    expect(outcome(id, { language: "de" }, text)).toEqual(LOOSE_ONLY);
  });

  it("judges very short text by its writing system only", () => {
    expect(outcome(id, { language: "ru" }, "Да.")).toEqual(PASS);
    expect(outcome(id, { language: "ko" }, "네!")).toEqual(PASS);
    expect(outcome(id, { language: "ru" }, "Yes.")).toEqual(FAIL);
    expect(outcome(id, { language: "ja" }, "はい。")).toEqual(PASS);
  });

  it("counts a response without letters as following, as IFEval does", () => {
    expect(outcome(id, { language: "fr" }, "42 + 7 = 49 !!!")).toEqual(PASS);
  });

  it("rejects a text whose script no candidate language uses", () => {
    expect(isInLanguage("ශ්‍රී ලංකාව දකුණු ආසියාවේ පිහිටි දූපත් රාජ්‍යයකි.", "en")).toBe(false);
  });

  it("names a language given by name instead of by code", () => {
    const v = judge([{ id, kwargs: { language: "German" } }], "Hallo");
    expect(v.status).toBe("error");
    expect(v.detail).toContain('did you mean "de"?');
  });

  it("rejects codes it cannot identify", () => {
    expect(judge([{ id, kwargs: { language: "xx" } }], "Hallo").reason).toBe("invalid_requirements");
  });
});

describe("franc ranking (text/trigrams.ts)", () => {
  const candidates = ["eng", "deu", "fra", "spa", "por", "ita", "nld", "rus", "ukr", "bul", "mkd", "jpn", "cmn", "kor", "arb", "hin"];
  const identify = createIdentifier(candidates);
  it("equals francAll with the same candidates, scores included", () => {
    const texts = Object.values(SENTENCES);
    for (let k = 0; k < 120; k++) {
      const t = `${(texts[k % texts.length] as string).slice(k % 5)} ${(texts[(k * 7) % texts.length] as string).slice(0, k % 40)}${k % 3 ? " 12 !?" : ""}`;
      const expected = francAll(t, { only: candidates, minLength: 1 }).map(([l, s]) => [l, Number(s.toFixed(9))]);
      const actual = identify(t).map(([l, s]) => [l, Number(s.toFixed(9))]);
      expect(actual).toEqual(expected);
    }
  });
});
