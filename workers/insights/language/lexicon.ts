// The word lists of the in-Worker language method (text-analysis.ts), Spanish and English. Words are
// written as the tokenizer sees them: lower case, accents removed. A trailing * makes an entry a prefix
// (a stem), so "encant*" covers encanta, encantó and encantador. Lists are space-separated for brevity.

/** Polarity per word: strength 1 (mild) to 3 (strong), positive or negative. */
export const POLARITY: Record<string, string> = {
  "3": [
    "excelente* maravill* perfect* increibl* espectacular* genial* fantastic* encant* fascin* amo adoro",
    "excellent amazing awesome wonderful perfect* fantastic* love loved loving brilliant outstanding superb",
    "mejor best",
  ].join(" "),
  "2": [
    "buen* bonit* hermos* lind* feliz* content* recomiend* recomend* gust* agradec* rapid* facil* comod*",
    "calidad* eficien* amable* divert* util* satisf* exito* gana* ganador* favorit* impresion* delici*",
    "good great nice happy glad recommend* like liked likes enjoy* thank* fast easy comfortable quality",
    "helpful friendly fun useful satisf* success* win* favorite* favourite* impress* delicious beautiful",
    "gracias thanks",
  ].join(" "),
  "1": [
    "bien correct* ok okay aceptabl* normal* decent* interesa* nuevo nueva cool fine fair solid",
    "interest* novel* nice",
  ].join(" "),
  "-1": ["lent* caro caros regular* dud* meh slow* pricey expensive confus* odd", "raro rara"].join(" "),
  "-2": [
    "mal malo mala malos malas problem* queja* quej* fall* roto rota rotos defect* tarde retras* demor*",
    "decepcion* molest* error* estafa* sucio* triste* peor* cancel* devol* reclam*",
    "bad poor problem* complain* fail* broken defect* late delay* disappoint* annoy* error* dirty sad",
    "worse cancel* refund* return* issue* bug* rude",
  ].join(" "),
  "-3": [
    "horribl* pesim* terribl* asco asquer* odio fraude* robo robaron basura desastr* verguenz* indignant*",
    "horrible terrible awful worst hate* scam* fraud* garbage trash disaster* disgust* shame* useless",
    "inutil* vergonz*",
  ].join(" "),
};

/** Words that flip the polarity of the next few words. */
export const NEGATORS =
  "no nunca jamas ni sin tampoco nada not never nor without dont doesnt didnt isnt wasnt cant wont aren";

/** Words that strengthen the next polar word by half. */
export const INTENSIFIERS =
  "muy super mega tan demasiado bastante sumamente re extremadamente totalmente very really so extremely totally absolutely too incredibly";

/** Plutchik's eight basic emotions. */
export const EMOTIONS = [
  "joy",
  "trust",
  "fear",
  "surprise",
  "sadness",
  "disgust",
  "anger",
  "anticipation",
] as const;
export type Emotion = (typeof EMOTIONS)[number];

export const EMOTION_WORDS: Record<Emotion, string> = {
  joy: "feliz* alegr* encant* content* disfrut* divert* genial* celebr* happy joy* enjoy* fun delight* love glad yay",
  trust:
    "confi* segur* recomiend* recomend* fiel* leal* honest* garant* calidad* trust* reliab* recommend* loyal* safe honest* quality",
  fear: "miedo temor* asust* preocup* peligr* riesgo* insegur* ansied* fear* afraid scar* worr* danger* risk* anxi*",
  surprise: "sorpre* increibl* inesper* wow guau asombr* impact* surpris* unexpect* shock* amaz* omg",
  sadness:
    "triste* decepcion* lament* llor* pena perdi* extran* sad* disappoint* sorry cry* miss* lost unhapp*",
  disgust:
    "asco asquer* sucio* repugn* horribl* basura podrid* disgust* gross dirty nasty trash garbage rotten",
  anger:
    "odio enoj* enfad* furi* rabia indign* molest* harto estafa* robo* hate* angry anger furious annoy* scam* rage outrag* mad",
  anticipation:
    "espera* pronto ansios* proxim* lanzamiento* novedad* quiero ojala expect* soon await* upcoming launch* hope* want",
};

/** The fixed topic labels (Q3), so topic shares compare across runs; "other" holds posts that match none. */
export const TOPICS = [
  "price",
  "quality",
  "customer_service",
  "delivery",
  "product",
  "brand_image",
  "promotion",
  "experience",
  "other",
] as const;
export type Topic = (typeof TOPICS)[number];

export const TOPIC_WORDS: Record<Exclude<Topic, "other">, string> = {
  price:
    "precio* caro cara barat* cost* oferta* descuento* pag* dinero plata euro* dolar* price* expensive cheap* cost* pay* money discount* deal*",
  quality:
    "calidad* durab* material* roto rota defect* resist* dura quality durab* material* broken defect* sturdy last*",
  customer_service:
    "atencion servicio* soporte* agente* respuesta* respond* trato amable* grosero* service* support* agent* respon* staff rude helpful",
  delivery:
    "envio* entreg* llego llegó pedido* paquet* retras* demor* correo* shipping ship* deliver* package* order* arriv* late courier",
  product:
    "producto* modelo* talla* color* diseno* funcion* version* app aplicacion* product* model* size* design* feature* version* item*",
  brand_image:
    "marca* imagen* reputacion* valor* sostenib* etica* brand* image reputation* value* sustainab* ethic*",
  promotion:
    "sorteo* concurso* promo* campana* anuncio* publicidad* influencer* colab* giveaway* contest* campaign* advert* ad ads sponsor*",
  experience:
    "tienda* experiencia* visita* local* compr* usar uso probe store* shop* experience* visit* bought buy* tried use using",
};

/** Common words that tell Spanish from English when a post does not say its language. */
export const STOPWORDS = {
  es: "el la los las de del que y en un una por para con es muy pero mas como su al lo se le este esta me mi",
  en: "the and of to in is it that for with this was my on are but be have not you at so very they",
};

/** Emoji with a polarity and an emotion. */
export const EMOJI: Record<string, { polarity: number; emotion: Emotion }> = {
  "😍": { polarity: 3, emotion: "joy" },
  "❤": { polarity: 3, emotion: "joy" },
  "😊": { polarity: 2, emotion: "joy" },
  "😀": { polarity: 2, emotion: "joy" },
  "😂": { polarity: 1, emotion: "joy" },
  "👍": { polarity: 2, emotion: "trust" },
  "🙏": { polarity: 1, emotion: "trust" },
  "😮": { polarity: 0, emotion: "surprise" },
  "😱": { polarity: -1, emotion: "fear" },
  "😢": { polarity: -2, emotion: "sadness" },
  "😭": { polarity: -2, emotion: "sadness" },
  "🤢": { polarity: -3, emotion: "disgust" },
  "😡": { polarity: -3, emotion: "anger" },
  "😠": { polarity: -2, emotion: "anger" },
  "👎": { polarity: -2, emotion: "anger" },
};

/** Aaker's five dimensions of brand personality. */
export const AAKER_DIMENSIONS = [
  "sincerity",
  "excitement",
  "competence",
  "sophistication",
  "ruggedness",
] as const;
export type AakerDimension = (typeof AAKER_DIMENSIONS)[number];

/** Words that show a dimension, for Q2's fallback (the share of posts naming each). */
export const AAKER_WORDS: Record<AakerDimension, string> = {
  sincerity:
    "honest* real autentic* authentic* genuin* familia* family sincer* cercan* natural* humild* humble transparen*",
  excitement:
    "emocion* excit* atrevid* bold* cool modern* innov* divert* fun trend* joven young creativ* unique unic* original*",
  competence:
    "confiabl* reliab* eficien* efficient profesional* professional* expert* segur* secure* calidad* quality exito* success* intelig* smart* lider* leader*",
  sophistication:
    "elegan* lujo* luxur* premium exclusiv* glamour* sofistic* sophistic* charm* estilo* style* chic refinad* refined",
  ruggedness: "resistent* durab* tough* fuert* strong* outdoor* aventur* adventur* robust* rugged* rudo",
};

/** Narrative frames (Q4), fixed so shares compare across runs. */
export const FRAMES = [
  "praise",
  "complaint",
  "question",
  "comparison",
  "recommendation",
  "humor",
  "controversy",
  "news",
] as const;
export type Frame = (typeof FRAMES)[number];

/** Words that mark a frame for Q4's fallback; the rules in frames.ts say which wins. */
export const FRAME_WORDS: Record<"comparison" | "recommendation" | "humor" | "controversy", string> = {
  comparison: "versus vs comparad* compar* competencia* competitor* than alternativ*",
  recommendation: "recomiend* recomend* recommend* sugier* suggest* prueben try deberian should",
  humor: "jaja* jeje* haha* lol lmao xd meme* chiste* joke*",
  controversy: "boicot* boycott* polemic* controver* escandal* scandal* denunci* demanda* lawsuit* cancel*",
};
