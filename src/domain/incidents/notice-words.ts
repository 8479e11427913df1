/**
 * The notice to a person affected by a high-risk breach (BRE-2, GDPR 34(2)), in plain words and in the six
 * languages (LNG-1): what happened, which of their data, what the organisation did, what they can do, whom to ask.
 * Pure data and one function, shared by the person portal, the printable letters and the CLI, so the person reads
 * the same words whichever way the notice reaches them. Written for a reader of about twelve years of schooling in
 * their language: short sentences, no legal terms.
 */

export const NOTICE_LANGUAGES = ['en', 'fr', 'es', 'uk', 'ar', 'prs'] as const;
export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];

export const NOTICE_DIRECTION: Record<NoticeLanguage, 'ltr' | 'rtl'> = {
  en: 'ltr',
  fr: 'ltr',
  es: 'ltr',
  uk: 'ltr',
  ar: 'rtl',
  prs: 'rtl',
};

/** The locale dates and lists are formatted in (browsers know Dari as fa-AF). */
export const NOTICE_LOCALE: Record<NoticeLanguage, string> = {
  en: 'en',
  fr: 'fr',
  es: 'es',
  uk: 'uk',
  ar: 'ar',
  prs: 'fa-AF',
};

export type NoticeSourceKind = 'account' | 'partner' | 'partner-credential';

export interface NoticeFacts {
  language: NoticeLanguage;
  organisation: string;
  /** The incident's reference, e.g. INC-2026-004. */
  reference: string;
  sourceKind: NoticeSourceKind;
  /** ISO times of the window. */
  from: string;
  to: string;
  /** Dictionary categories exposed (MIN-1), and `not-recorded`. */
  categories: readonly string[];
  /** The partner only confirmed that the person is registered (a verification), nothing else. */
  onlyConfirmed: boolean;
  /** The incident's contact point, or null: then the organisation's data protection officer. */
  contact: string | null;
  /** A drill: a draft, never sent. */
  drill: boolean;
}

export interface NoticeText {
  direction: 'ltr' | 'rtl';
  title: string;
  /** Each part with its heading, in reading order. */
  sections: { heading: string; text: string }[];
  reference: string;
  /** Shown across a drill's letter; null for a real notice. */
  drillMark: string | null;
}

interface Words {
  title: string;
  drill: string;
  headings: { happened: string; data: string; did: string; can: string; contact: string };
  happened: Record<NoticeSourceKind, string>;
  data: string;
  confirmed: string;
  did: string;
  can: string;
  contact: string;
  dpo: string;
  reference: string;
  categories: Record<string, string>;
}

const WORDS: Record<NoticeLanguage, Words> = {
  en: {
    title: 'Someone may have seen your information',
    drill: 'DRILL — practice only. This notice was not sent.',
    headings: {
      happened: 'What happened',
      data: 'Which information about you',
      did: 'What we did',
      can: 'What you can do',
      contact: 'Who to ask',
    },
    happened: {
      account:
        'Between {from} and {to}, someone used the account of a staff member of {organisation} without permission. Our records show that your file was opened with it.',
      partner:
        'Between {from} and {to}, someone misused the access of an organisation that {organisation} shares information with. Our records show that information about you was sent to it.',
      'partner-credential':
        'Between {from} and {to}, someone misused the access of an organisation that {organisation} shares information with. Our records show that information about you was sent to it.',
    },
    data: 'They could see: {categories}.',
    confirmed: 'They learned only that you are registered with {organisation}.',
    did: 'We stopped this access. We are finding out what happened, and we are changing how we work so that it does not happen again.',
    can: 'Be careful if someone you do not know contacts you and knows things about you. Do not give them more information. If you feel unsafe, tell us or someone you trust straight away. You can ask us at any time what we hold about you and who looked at it.',
    contact: 'Ask {contact}. Say the reference below.',
    dpo: 'the data protection officer of {organisation}',
    reference: 'Reference: {reference}',
    categories: {
      name: 'your names',
      contact: 'how to contact you',
      'civil-status': 'your civil status',
      family: 'your family',
      health: 'your health',
      'legal-status': 'your legal status',
      biometric: 'your biometric data',
      location: 'where you live',
      documents: 'your documents',
      'case-notes': 'notes on your case',
      protection: 'your protection needs',
      language: 'the languages you speak',
      nationality: 'your nationality',
      demographic: 'your age and sex',
      'not-recorded': 'other information in your file',
    },
  },
  fr: {
    title: 'Quelqu’un a peut-être vu vos informations',
    drill: 'EXERCICE — entraînement seulement. Cet avis n’a pas été envoyé.',
    headings: {
      happened: 'Ce qui s’est passé',
      data: 'Quelles informations sur vous',
      did: 'Ce que nous avons fait',
      can: 'Ce que vous pouvez faire',
      contact: 'À qui demander',
    },
    happened: {
      account:
        'Entre le {from} et le {to}, quelqu’un a utilisé sans autorisation le compte d’un membre du personnel de {organisation}. Nos registres montrent que votre dossier a été ouvert avec ce compte.',
      partner:
        'Entre le {from} et le {to}, quelqu’un a abusé de l’accès d’une organisation avec laquelle {organisation} partage des informations. Nos registres montrent que des informations sur vous lui ont été envoyées.',
      'partner-credential':
        'Entre le {from} et le {to}, quelqu’un a abusé de l’accès d’une organisation avec laquelle {organisation} partage des informations. Nos registres montrent que des informations sur vous lui ont été envoyées.',
    },
    data: 'Cette personne a pu voir : {categories}.',
    confirmed: 'Elle a seulement appris que vous êtes enregistré auprès de {organisation}.',
    did: 'Nous avons arrêté cet accès. Nous cherchons ce qui s’est passé et nous changeons notre façon de travailler pour que cela ne se reproduise pas.',
    can: 'Soyez prudent si une personne que vous ne connaissez pas vous contacte et sait des choses sur vous. Ne lui donnez pas d’autres informations. Si vous ne vous sentez pas en sécurité, dites-le tout de suite à nous ou à une personne de confiance. Vous pouvez nous demander à tout moment ce que nous savons de vous et qui l’a consulté.',
    contact: 'Adressez-vous à {contact}. Donnez la référence ci-dessous.',
    dpo: 'la personne chargée de la protection des données de {organisation}',
    reference: 'Référence : {reference}',
    categories: {
      name: 'vos noms',
      contact: 'comment vous joindre',
      'civil-status': 'votre état civil',
      family: 'votre famille',
      health: 'votre santé',
      'legal-status': 'votre statut juridique',
      biometric: 'vos données biométriques',
      location: 'votre lieu de vie',
      documents: 'vos documents',
      'case-notes': 'les notes sur votre dossier',
      protection: 'vos besoins de protection',
      language: 'les langues que vous parlez',
      nationality: 'votre nationalité',
      demographic: 'votre âge et votre sexe',
      'not-recorded': 'd’autres informations de votre dossier',
    },
  },
  es: {
    title: 'Es posible que alguien haya visto su información',
    drill: 'SIMULACRO — solo práctica. Este aviso no se envió.',
    headings: {
      happened: 'Qué pasó',
      data: 'Qué información sobre usted',
      did: 'Qué hicimos',
      can: 'Qué puede hacer',
      contact: 'A quién preguntar',
    },
    happened: {
      account:
        'Entre el {from} y el {to}, alguien usó sin permiso la cuenta de un miembro del personal de {organisation}. Nuestros registros muestran que su expediente se abrió con esa cuenta.',
      partner:
        'Entre el {from} y el {to}, alguien usó indebidamente el acceso de una organización con la que {organisation} comparte información. Nuestros registros muestran que se le envió información sobre usted.',
      'partner-credential':
        'Entre el {from} y el {to}, alguien usó indebidamente el acceso de una organización con la que {organisation} comparte información. Nuestros registros muestran que se le envió información sobre usted.',
    },
    data: 'Pudieron ver: {categories}.',
    confirmed: 'Solo supieron que usted está registrado en {organisation}.',
    did: 'Detuvimos este acceso. Estamos averiguando qué pasó y estamos cambiando nuestra forma de trabajar para que no vuelva a ocurrir.',
    can: 'Tenga cuidado si alguien que no conoce se pone en contacto con usted y sabe cosas sobre usted. No le dé más información. Si no se siente seguro, díganoslo enseguida a nosotros o a una persona de confianza. Puede preguntarnos en cualquier momento qué información tenemos sobre usted y quién la consultó.',
    contact: 'Pregunte a {contact}. Indique la referencia de abajo.',
    dpo: 'la persona encargada de la protección de datos de {organisation}',
    reference: 'Referencia: {reference}',
    categories: {
      name: 'sus nombres',
      contact: 'cómo contactarle',
      'civil-status': 'su estado civil',
      family: 'su familia',
      health: 'su salud',
      'legal-status': 'su situación legal',
      biometric: 'sus datos biométricos',
      location: 'dónde vive',
      documents: 'sus documentos',
      'case-notes': 'las notas de su caso',
      protection: 'sus necesidades de protección',
      language: 'los idiomas que habla',
      nationality: 'su nacionalidad',
      demographic: 'su edad y sexo',
      'not-recorded': 'otra información de su expediente',
    },
  },
  uk: {
    title: 'Хтось міг побачити ваші дані',
    drill: 'НАВЧАННЯ — лише тренування. Це повідомлення не надсилалося.',
    headings: {
      happened: 'Що сталося',
      data: 'Які дані про вас',
      did: 'Що ми зробили',
      can: 'Що можете зробити ви',
      contact: 'До кого звернутися',
    },
    happened: {
      account:
        'З {from} до {to} хтось без дозволу користувався обліковим записом працівника {organisation}. Наші записи показують, що з нього відкривали вашу справу.',
      partner:
        'З {from} до {to} хтось зловживав доступом організації, з якою {organisation} обмінюється інформацією. Наші записи показують, що їй надсилали дані про вас.',
      'partner-credential':
        'З {from} до {to} хтось зловживав доступом організації, з якою {organisation} обмінюється інформацією. Наші записи показують, що їй надсилали дані про вас.',
    },
    data: 'Вони могли побачити: {categories}.',
    confirmed: 'Вони дізналися лише, що ви зареєстровані в {organisation}.',
    did: 'Ми припинили цей доступ. Ми з’ясовуємо, що сталося, і змінюємо свою роботу, щоб це не повторилося.',
    can: 'Будьте обережні, якщо з вами зв’яжеться незнайома людина, яка щось про вас знає. Не давайте їй більше інформації. Якщо ви почуваєтеся в небезпеці, одразу скажіть нам або людині, якій довіряєте. Ви будь-коли можете запитати нас, які дані про вас ми маємо і хто їх переглядав.',
    contact: 'Зверніться до: {contact}. Назвіть номер, наведений нижче.',
    dpo: 'відповідальна особа із захисту даних {organisation}',
    reference: 'Номер: {reference}',
    categories: {
      name: 'ваші імена',
      contact: 'як з вами зв’язатися',
      'civil-status': 'ваш сімейний стан',
      family: 'ваша родина',
      health: 'ваше здоров’я',
      'legal-status': 'ваш правовий статус',
      biometric: 'ваші біометричні дані',
      location: 'де ви живете',
      documents: 'ваші документи',
      'case-notes': 'нотатки у вашій справі',
      protection: 'ваші потреби в захисті',
      language: 'мови, якими ви розмовляєте',
      nationality: 'ваше громадянство',
      demographic: 'ваш вік і стать',
      'not-recorded': 'інші дані з вашої справи',
    },
  },
  ar: {
    title: 'ربما اطّلع شخص ما على معلوماتك',
    drill: 'تمرين — للتدريب فقط. لم يُرسَل هذا الإشعار.',
    headings: {
      happened: 'ماذا حدث',
      data: 'أي معلومات عنك',
      did: 'ماذا فعلنا',
      can: 'ماذا يمكنك أن تفعل',
      contact: 'بمن تتصل',
    },
    happened: {
      account:
        'بين {from} و{to}، استخدم شخص ما حساب أحد موظفي {organisation} دون إذن. تُظهر سجلاتنا أن ملفك فُتح بهذا الحساب.',
      partner:
        'بين {from} و{to}، أساء شخص ما استخدام صلاحية الدخول الخاصة بمنظمة تتبادل معها {organisation} المعلومات. تُظهر سجلاتنا أن معلومات عنك أُرسلت إليها.',
      'partner-credential':
        'بين {from} و{to}، أساء شخص ما استخدام صلاحية الدخول الخاصة بمنظمة تتبادل معها {organisation} المعلومات. تُظهر سجلاتنا أن معلومات عنك أُرسلت إليها.',
    },
    data: 'كان بإمكانهم رؤية: {categories}.',
    confirmed: 'عرفوا فقط أنك مسجّل لدى {organisation}.',
    did: 'أوقفنا هذا الدخول. نحن نبحث فيما حدث، ونغيّر طريقة عملنا حتى لا يتكرر ذلك.',
    can: 'كن حذرًا إذا اتصل بك شخص لا تعرفه ويعرف أشياء عنك. لا تعطه معلومات أخرى. إذا شعرت بأنك في خطر، أخبرنا أو أخبر شخصًا تثق به فورًا. يمكنك أن تسألنا في أي وقت عن المعلومات التي لدينا عنك ومن اطّلع عليها.',
    contact: 'اسأل {contact}. اذكر الرقم المرجعي أدناه.',
    dpo: 'مسؤول حماية البيانات في {organisation}',
    reference: 'الرقم المرجعي: {reference}',
    categories: {
      name: 'أسماؤك',
      contact: 'طرق الاتصال بك',
      'civil-status': 'حالتك المدنية',
      family: 'عائلتك',
      health: 'صحتك',
      'legal-status': 'وضعك القانوني',
      biometric: 'بياناتك البيومترية',
      location: 'مكان سكنك',
      documents: 'وثائقك',
      'case-notes': 'ملاحظات عن قضيتك',
      protection: 'احتياجاتك للحماية',
      language: 'اللغات التي تتحدثها',
      nationality: 'جنسيتك',
      demographic: 'عمرك وجنسك',
      'not-recorded': 'معلومات أخرى في ملفك',
    },
  },
  prs: {
    title: 'شاید کسی معلومات شما را دیده باشد',
    drill: 'تمرین — فقط برای آموزش. این اطلاعیه فرستاده نشده است.',
    headings: {
      happened: 'چه اتفاقی افتاد',
      data: 'کدام معلومات شما',
      did: 'ما چه کردیم',
      can: 'شما چه کرده می‌توانید',
      contact: 'از چه کسی بپرسید',
    },
    happened: {
      account:
        'از {from} تا {to}، کسی بدون اجازه از حساب یکی از کارمندان {organisation} استفاده کرد. سوابق ما نشان می‌دهد که دوسیهٔ شما با این حساب باز شده است.',
      partner:
        'از {from} تا {to}، کسی از دسترسی سازمانی که {organisation} با آن معلومات شریک می‌سازد سوءاستفاده کرد. سوابق ما نشان می‌دهد که معلوماتی دربارهٔ شما به آن فرستاده شده است.',
      'partner-credential':
        'از {from} تا {to}، کسی از دسترسی سازمانی که {organisation} با آن معلومات شریک می‌سازد سوءاستفاده کرد. سوابق ما نشان می‌دهد که معلوماتی دربارهٔ شما به آن فرستاده شده است.',
    },
    data: 'آن‌ها این‌ها را دیده می‌توانستند: {categories}.',
    confirmed: 'آن‌ها فقط فهمیدند که شما نزد {organisation} ثبت شده‌اید.',
    did: 'ما این دسترسی را متوقف کردیم. ما بررسی می‌کنیم که چه اتفاقی افتاد و روش کار خود را تغییر می‌دهیم تا دوباره تکرار نشود.',
    can: 'اگر کسی که نمی‌شناسید با شما تماس گرفت و چیزهایی دربارهٔ شما می‌داند، محتاط باشید. به او معلومات بیشتر ندهید. اگر احساس ناامنی می‌کنید، فوراً به ما یا به کسی که به او اعتماد دارید بگویید. شما هر وقت می‌توانید از ما بپرسید که چه معلوماتی از شما داریم و چه کسی آن را دیده است.',
    contact: 'از {contact} بپرسید. شمارهٔ مرجع زیر را بگویید.',
    dpo: 'مسئول حفاظت معلومات در {organisation}',
    reference: 'شمارهٔ مرجع: {reference}',
    categories: {
      name: 'نام‌های شما',
      contact: 'راه‌های تماس با شما',
      'civil-status': 'وضعیت مدنی شما',
      family: 'خانوادهٔ شما',
      health: 'صحت شما',
      'legal-status': 'وضعیت حقوقی شما',
      biometric: 'معلومات بایومتریک شما',
      location: 'جای زندگی شما',
      documents: 'اسناد شما',
      'case-notes': 'یادداشت‌های دوسیهٔ شما',
      protection: 'نیازهای محافظتی شما',
      language: 'زبان‌هایی که صحبت می‌کنید',
      nationality: 'تابعیت شما',
      demographic: 'سن و جنس شما',
      'not-recorded': 'معلومات دیگر در دوسیهٔ شما',
    },
  },
};

const fill = (text: string, values: Record<string, string>): string =>
  text.replace(/\{([a-z]+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);

export function isNoticeLanguage(value: unknown): value is NoticeLanguage {
  return typeof value === 'string' && (NOTICE_LANGUAGES as readonly string[]).includes(value);
}

/**
 * The notice language for a person: the language of the privacy notice they were given (they read it), else the
 * first language they speak that Haven writes notices in, else English. Tags are BCP 47 (`fa-AF`, `ar-SY`) or the
 * dictionary's ISO 639-3 codes (`prs`, `ara`, `ukr`).
 */
export function noticeLanguageFor(given: string | null, spoken: readonly string[]): NoticeLanguage {
  for (const tag of [given, ...spoken]) {
    const language = tag === null ? undefined : languageOfTag(tag);
    if (language) return language;
  }
  return 'en';
}

/** ISO 639-3 codes (and Arabic's varieties, Persian's) of the six notice languages. */
const ISO_639_3: Record<string, NoticeLanguage> = {
  eng: 'en',
  fra: 'fr',
  spa: 'es',
  ukr: 'uk',
  ara: 'ar',
  arb: 'ar',
  apc: 'ar',
  ajp: 'ar',
  acm: 'ar',
  arz: 'ar',
  ayl: 'ar',
  ary: 'ar',
  apd: 'ar',
  prs: 'prs',
  fas: 'prs',
  pes: 'prs',
};

export function languageOfTag(tag: string): NoticeLanguage | undefined {
  const lower = tag.toLowerCase();
  const base = lower.split(/[-_]/)[0] ?? '';
  if (ISO_639_3[base]) return ISO_639_3[base];
  if (base === 'fa') return 'prs';
  return isNoticeLanguage(base) ? base : undefined;
}

/** The notice in its language: title, the five parts, the reference, and the drill mark for a drill. */
export function noticeText(facts: NoticeFacts): NoticeText {
  const words = WORDS[facts.language];
  const locale = NOTICE_LOCALE[facts.language];
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  const names = facts.categories.map((c) => words.categories[c] ?? words.categories['not-recorded']!);
  const list = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format([
    ...new Set(names),
  ]);
  const values = {
    organisation: facts.organisation,
    from: day.format(new Date(facts.from)),
    to: day.format(new Date(facts.to)),
    categories: list,
    reference: facts.reference,
  };
  const contact = facts.contact ?? fill(words.dpo, values);
  const data =
    facts.onlyConfirmed || names.length === 0 ? fill(words.confirmed, values) : fill(words.data, values);
  return {
    direction: NOTICE_DIRECTION[facts.language],
    title: words.title,
    sections: [
      { heading: words.headings.happened, text: fill(words.happened[facts.sourceKind], values) },
      { heading: words.headings.data, text: data },
      { heading: words.headings.did, text: words.did },
      { heading: words.headings.can, text: words.can },
      { heading: words.headings.contact, text: fill(words.contact, { contact }) },
    ],
    reference: fill(words.reference, values),
    drillMark: facts.drill ? words.drill : null,
  };
}
