// Steward's own words in mail to customers, in the customer's language: the customer's own
// (`de-CH` is written in `de`), English when theirs is one Steward does not write, the company's
// (the `customerLanguage` setting) when they have none. Pure.
import { isMailLanguage, type MailLanguage } from '../../shared/mail-languages.js';

export interface CustomerWords {
  /** The locale dates are written in (weekday and month names). */
  locale: string;
  acknowledgementSubject: string;
  haveRequest: (n: number) => string;
  answerBy: (when: string) => string;
  answerSoon: string;
  addToIt: string;
  yourRequests: (url: string) => string;
  seeOnline: (url: string) => string;
  signInSubject: string;
  hello: (name: string) => string;
  openToSignIn: string;
  worksOnce: (minutes: number) => string;
  notAsked: string;
}

const WORDS: Record<MailLanguage, CustomerWords> = {
  en: {
    locale: 'en-GB',
    acknowledgementSubject: 'We have your request',
    haveRequest: (n) => `We have your request #${n}.`,
    answerBy: (when) => `We will answer by ${when}.`,
    answerSoon: 'We will answer by e-mail as soon as we can.',
    addToIt: 'To add anything (details, files), reply to this message; keep its number in the subject.',
    yourRequests: (url) => `Your requests, and a sign-in link by e-mail: ${url}`,
    seeOnline: (url) => `See this request online: ${url}`,
    signInSubject: 'Your sign-in link',
    hello: (name) => `Hello ${name},`,
    openToSignIn: 'Open this link to sign in and see your requests:',
    worksOnce: (m) => `The link works once, for ${m} minutes.`,
    notAsked: 'If you did not ask for it, ignore this mail: nobody can sign in without the link.',
  },
  de: {
    locale: 'de-DE',
    acknowledgementSubject: 'Wir haben Ihre Anfrage erhalten',
    haveRequest: (n) => `Wir haben Ihre Anfrage #${n} erhalten.`,
    answerBy: (when) => `Wir antworten bis ${when}.`,
    answerSoon: 'Wir antworten Ihnen so bald wie möglich per E-Mail.',
    addToIt:
      'Um etwas zu ergänzen (Details, Dateien), antworten Sie auf diese Nachricht; lassen Sie die Nummer im Betreff stehen.',
    yourRequests: (url) => `Ihre Anfragen, und einen Anmeldelink per E-Mail: ${url}`,
    seeOnline: (url) => `Diese Anfrage online ansehen: ${url}`,
    signInSubject: 'Ihr Anmeldelink',
    hello: (name) => `Hallo ${name},`,
    openToSignIn: 'Öffnen Sie diesen Link, um sich anzumelden und Ihre Anfragen zu sehen:',
    worksOnce: (m) => `Der Link gilt einmal, ${m} Minuten lang.`,
    notAsked:
      'Wenn Sie ihn nicht angefordert haben, ignorieren Sie diese E-Mail: Ohne den Link kann sich niemand anmelden.',
  },
  fr: {
    locale: 'fr-FR',
    acknowledgementSubject: 'Nous avons bien reçu votre demande',
    haveRequest: (n) => `Nous avons bien reçu votre demande n° ${n}.`,
    answerBy: (when) => `Nous vous répondrons d’ici ${when}.`,
    answerSoon: 'Nous vous répondrons par e-mail dès que possible.',
    addToIt:
      'Pour ajouter quelque chose (détails, fichiers), répondez à ce message en gardant son numéro dans l’objet.',
    yourRequests: (url) => `Vos demandes, et un lien de connexion par e-mail : ${url}`,
    seeOnline: (url) => `Voir cette demande en ligne : ${url}`,
    signInSubject: 'Votre lien de connexion',
    hello: (name) => `Bonjour ${name},`,
    openToSignIn: 'Ouvrez ce lien pour vous connecter et voir vos demandes :',
    worksOnce: (m) => `Le lien ne sert qu’une fois, pendant ${m} minutes.`,
    notAsked:
      'Si vous ne l’avez pas demandé, ignorez cet e-mail : personne ne peut se connecter sans le lien.',
  },
  es: {
    locale: 'es-ES',
    acknowledgementSubject: 'Hemos recibido su solicitud',
    haveRequest: (n) => `Hemos recibido su solicitud n.º ${n}.`,
    answerBy: (when) => `Le responderemos antes del ${when}.`,
    answerSoon: 'Le responderemos por correo electrónico lo antes posible.',
    addToIt:
      'Para añadir algo (detalles, archivos), responda a este mensaje; mantenga su número en el asunto.',
    yourRequests: (url) => `Sus solicitudes, y un enlace de acceso por correo electrónico: ${url}`,
    seeOnline: (url) => `Ver esta solicitud en línea: ${url}`,
    signInSubject: 'Su enlace de acceso',
    hello: (name) => `Hola, ${name}:`,
    openToSignIn: 'Abra este enlace para acceder y ver sus solicitudes:',
    worksOnce: (m) => `El enlace sirve una sola vez, durante ${m} minutos.`,
    notAsked: 'Si no lo ha pedido, ignore este correo: nadie puede acceder sin el enlace.',
  },
  nl: {
    locale: 'nl-NL',
    acknowledgementSubject: 'We hebben uw verzoek ontvangen',
    haveRequest: (n) => `We hebben uw verzoek #${n} ontvangen.`,
    answerBy: (when) => `We antwoorden uiterlijk ${when}.`,
    answerSoon: 'We antwoorden zo snel mogelijk per e-mail.',
    addToIt:
      'Wilt u iets toevoegen (details, bestanden), beantwoord dan dit bericht en laat het nummer in het onderwerp staan.',
    yourRequests: (url) => `Uw verzoeken, en een inloglink per e-mail: ${url}`,
    seeOnline: (url) => `Dit verzoek online bekijken: ${url}`,
    signInSubject: 'Uw inloglink',
    hello: (name) => `Hallo ${name},`,
    openToSignIn: 'Open deze link om in te loggen en uw verzoeken te zien:',
    worksOnce: (m) => `De link werkt één keer, ${m} minuten lang.`,
    notAsked: 'Hebt u hier niet om gevraagd, negeer dan deze e-mail: zonder de link kan niemand inloggen.',
  },
};

/** The words of a language; a stored setting no longer known reads as English. */
export const customerWords = (language: string): CustomerWords =>
  isMailLanguage(language) ? WORDS[language] : WORDS.en;
