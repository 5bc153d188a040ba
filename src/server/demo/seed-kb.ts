// The demo's knowledge base: three categories and ten published articles about the matters the
// demo's customers write in about (tracking, late and damaged deliveries, wrong items, invoices),
// three with a German variant and one with a newer draft waiting, plus a few votes and deflection
// outcomes so the report is not empty. Written through the same services as the API.
// Idempotent: does nothing when the demo's first category exists.
import { createHash } from 'node:crypto';
import type { Database } from '../../db/client.js';
import { SYSTEM_ACTOR } from '../lib/actor.js';
import * as kbRepo from '../domains/kb/kb.repo.js';
import { createArticle, createCategory, publish, saveDraft } from '../domains/kb/kb.service.js';
import { kbDeflections } from '../domains/kb/kb.table.js';

interface DemoArticle {
  slug: string;
  category: string;
  /** Language -> [title, Markdown body]; the first is written first. */
  variants: Record<string, [string, string]>;
  /** A newer draft left unpublished (language en). */
  draft?: [string, string];
  /** Demo votes: [helpful, unhelpful]. */
  votes?: [number, number];
}

export const DEMO_KB_CATEGORIES = [
  { key: 'orders-and-delivery', name: 'Orders and delivery', position: 1 },
  { key: 'invoices-and-payment', name: 'Invoices and payment', position: 2 },
  { key: 'returns-and-damage', name: 'Returns and damage', position: 3 },
];

export const DEMO_KB_ARTICLES: DemoArticle[] = [
  {
    slug: 'track-your-order',
    category: 'orders-and-delivery',
    votes: [9, 1],
    variants: {
      en: [
        'Where is my order? Tracking your delivery',
        `As soon as your order leaves our warehouse you receive a **shipping confirmation** by e-mail with the
carrier's tracking number.

1. Open the link in the shipping confirmation, or enter the tracking number on the carrier's site.
2. The status updates each time the parcel is scanned: *picked up*, *in transit*, *at the local depot*,
   *out for delivery*.
3. Business customers also see every order and its tracking number in the customer portal.

If the tracking has not changed for **two business days**, write to us with your order number: we ask
the carrier and tell you what happens next.`,
      ],
      de: [
        'Wo ist meine Bestellung? Sendungsverfolgung',
        `Sobald Ihre Bestellung unser Lager verlässt, erhalten Sie eine **Versandbestätigung** per E-Mail mit der
Sendungsnummer des Paketdienstes.

1. Öffnen Sie den Link in der Versandbestätigung oder geben Sie die Sendungsnummer beim Paketdienst ein.
2. Der Status ändert sich bei jedem Scan: *abgeholt*, *unterwegs*, *im Zustelldepot*, *in Zustellung*.
3. Geschäftskunden sehen jede Bestellung mit Sendungsnummer auch im Kundenportal.

Hat sich die Sendungsverfolgung **zwei Werktage** lang nicht geändert, schreiben Sie uns mit Ihrer
Bestellnummer: Wir fragen beim Paketdienst nach und sagen Ihnen, wie es weitergeht.`,
      ],
    },
  },
  {
    slug: 'late-delivery',
    category: 'orders-and-delivery',
    votes: [6, 3],
    variants: {
      en: [
        'My delivery is late',
        `Every order confirmation states a **promised delivery date**. We watch each shipment against it, so
in most cases we notice a delay before you do and write to you first.

If your delivery has not arrived by the promised date:

- Check the tracking (see [Where is my order?](/help/track-your-order)). A parcel *at the local depot*
  is usually delivered the next business day.
- Check whether a neighbour or a parcel shop took it in: the carrier leaves a card.
- Otherwise write to us with your order number. We open a trace with the carrier and send a
  replacement or refund if the parcel is lost.

Agreements with business customers may promise compensation for late deliveries: your account
manager can tell you what applies to you.`,
      ],
      de: [
        'Meine Lieferung verspätet sich',
        `Jede Auftragsbestätigung nennt ein **zugesagtes Lieferdatum**. Wir verfolgen jede Sendung und merken
eine Verspätung meist vor Ihnen, und schreiben Ihnen dann zuerst.

Ist Ihre Lieferung am zugesagten Datum nicht da:

- Prüfen Sie die Sendungsverfolgung. Ein Paket *im Zustelldepot* kommt meist am nächsten Werktag.
- Fragen Sie bei Nachbarn oder im Paketshop nach: Der Paketdienst hinterlässt eine Karte.
- Sonst schreiben Sie uns mit Ihrer Bestellnummer. Wir lassen die Sendung suchen und schicken Ersatz
  oder erstatten den Betrag, wenn das Paket verloren ist.`,
      ],
    },
  },
  {
    slug: 'change-or-cancel-an-order',
    category: 'orders-and-delivery',
    votes: [4, 2],
    variants: {
      en: [
        'Changing or cancelling an order',
        `You can change the delivery address, the quantities or cancel an order **until it is packed**,
usually within two hours of ordering on business days.

Write to us with the order number and what should change. Once the order has left the warehouse it
can no longer be changed: refuse the delivery or send it back as a return instead.`,
      ],
    },
    draft: [
      'Changing or cancelling an order',
      `You can change the delivery address, the quantities or cancel an order **until it is packed**.
From next month orders placed before 14:00 are packed the same day: changes after 14:00 may be too late.

Write to us with the order number and what should change. Once the order has left the warehouse it
can no longer be changed: refuse the delivery or send it back as a return instead.`,
    ],
  },
  {
    slug: 'delivery-times-and-carriers',
    category: 'orders-and-delivery',
    variants: {
      en: [
        'Delivery times and carriers',
        `| Destination | Carrier | Usual delivery |
| --- | --- | --- |
| Germany | DHL | 1–2 business days |
| EU | DHL, DPD | 2–4 business days |
| Switzerland, UK | UPS | 3–5 business days, plus customs |
| Pallets | freight forwarder | date agreed by phone |

The promised date on your order confirmation is the one we keep to.`,
      ],
    },
  },
  {
    slug: 'invoice-error',
    category: 'invoices-and-payment',
    votes: [5, 1],
    variants: {
      en: [
        'Something is wrong on my invoice',
        `A wrong price, quantity, VAT number or billing address? Do **not** pay the wrong amount: write to us
with the invoice number and what is wrong.

We check it against your order and your agreement and send a **credit note** and a corrected invoice,
usually within two business days. The payment term starts again with the corrected invoice.`,
      ],
    },
  },
  {
    slug: 'payment-methods-and-terms',
    category: 'invoices-and-payment',
    variants: {
      en: [
        'Payment methods and payment terms',
        `- **Business customers** pay by bank transfer within the term agreed in their contract, usually
  30 days net. SEPA direct debit is available on request.
- **Consumers** pay by card or PayPal when ordering.

Please put the invoice number in the payment reference so we can match your payment.`,
      ],
    },
  },
  {
    slug: 'invoice-copy',
    category: 'invoices-and-payment',
    votes: [3, 0],
    variants: {
      en: [
        'Getting a copy of an invoice',
        `Every invoice is sent by e-mail as a PDF to the billing address of your account. Business customers
can download all invoices in the customer portal.

Need a copy sent to another address, or an invoice addressed differently? Write to us with the
invoice number.`,
      ],
      de: [
        'Rechnungskopie anfordern',
        `Jede Rechnung geht als PDF per E-Mail an die Rechnungsadresse Ihres Kontos. Geschäftskunden laden alle
Rechnungen im Kundenportal herunter.

Sie brauchen eine Kopie an eine andere Adresse oder eine anders adressierte Rechnung? Schreiben Sie uns
mit der Rechnungsnummer.`,
      ],
    },
  },
  {
    slug: 'damaged-delivery',
    category: 'returns-and-damage',
    votes: [7, 2],
    variants: {
      en: [
        'My delivery arrived damaged',
        `We are sorry! Please:

1. Take **photos** of the damaged goods and of the outer packaging, including the shipping label.
2. Keep the packaging until we have settled the matter.
3. Write to us within **7 days** with your order number and the photos attached.

We send a replacement or a refund, whichever you prefer. You do not need to send damaged goods back
unless we ask you to.`,
      ],
      de: [
        'Ware beschädigt angekommen',
        `Das tut uns leid! Bitte:

1. Machen Sie **Fotos** der beschädigten Ware und der Verpackung samt Versandetikett.
2. Heben Sie die Verpackung auf, bis alles geklärt ist.
3. Schreiben Sie uns innerhalb von **7 Tagen** mit Ihrer Bestellnummer und den Fotos im Anhang.

Wir schicken Ersatz oder erstatten den Betrag, ganz wie Sie möchten.`,
      ],
    },
  },
  {
    slug: 'wrong-item',
    category: 'returns-and-damage',
    votes: [2, 1],
    variants: {
      en: [
        'I received the wrong item',
        `Write to us with your order number and a photo of the item and its label. We send the right item
at once and a **prepaid return label** for the wrong one; you do not pay for the return.`,
      ],
    },
  },
  {
    slug: 'return-an-item',
    category: 'returns-and-damage',
    variants: {
      en: [
        'Returning an item',
        `Consumers may return items within **30 days** of delivery without giving a reason; business customers
as their agreement says.

1. Write to us with the order number and the items you send back: we reply with a return label.
2. Pack the items safely, ideally in the original packaging.
3. We refund within 14 days of receiving the return, to the original payment method.`,
      ],
    },
  },
];

/** The demo's deflection outcomes per channel: [suggested sets, deflected, submitted]. */
const DEMO_DEFLECTIONS: Record<'web' | 'portal', [number, number, number]> = {
  web: [40, 12, 20],
  portal: [18, 5, 9],
};

const visitorHash = (n: number) => createHash('sha256').update(`demo-visitor-${n}`).digest('hex');

export async function seedDemoKb(db: Database): Promise<{ created: boolean; articles: number }> {
  if (await kbRepo.findCategoryByKeyAnyState(db, DEMO_KB_CATEGORIES[0]!.key)) {
    return { created: false, articles: DEMO_KB_ARTICLES.length };
  }
  const actor = SYSTEM_ACTOR;
  const categoryIds = new Map<string, string>();
  for (const c of DEMO_KB_CATEGORIES) categoryIds.set(c.key, (await createCategory(db, actor, c)).id);

  let visitor = 0;
  const articleIds: string[] = [];
  for (const a of DEMO_KB_ARTICLES) {
    const variants = Object.entries(a.variants);
    const [firstLanguage, [title, bodyMd]] = variants[0]!;
    const article = await createArticle(db, actor, {
      slug: a.slug,
      categoryId: categoryIds.get(a.category)!,
      language: firstLanguage,
      title,
      bodyMd,
    });
    articleIds.push(article.id);
    await publish(db, actor, { articleId: article.id, language: firstLanguage });
    for (const [language, [t, b]] of variants.slice(1)) {
      await saveDraft(db, actor, { articleId: article.id, language, draft: { title: t, bodyMd: b } });
      await publish(db, actor, { articleId: article.id, language });
    }
    if (a.draft) {
      await saveDraft(db, actor, {
        articleId: article.id,
        language: 'en',
        draft: { title: a.draft[0], bodyMd: a.draft[1] },
      });
    }
    const [helpful, unhelpful] = a.votes ?? [0, 0];
    for (let i = 0; i < helpful + unhelpful; i++) {
      await kbRepo.upsertVote(db, {
        articleId: article.id,
        language: 'en',
        helpful: i < helpful,
        customerId: null,
        visitorHash: visitorHash(++visitor),
      });
    }
  }

  const outcomes: (typeof kbDeflections.$inferInsert)[] = [];
  for (const channel of ['web', 'portal'] as const) {
    const [suggested, deflected, submitted] = DEMO_DEFLECTIONS[channel];
    for (let i = 0; i < suggested; i++) outcomes.push({ channel, outcome: 'suggested' });
    // The articles about orders answer most requests before they are sent.
    for (let i = 0; i < deflected; i++)
      outcomes.push({ channel, outcome: 'deflected', articleId: articleIds[i % 4]! });
    for (let i = 0; i < submitted; i++) outcomes.push({ channel, outcome: 'submitted' });
  }
  await db.insert(kbDeflections).values(outcomes);
  return { created: true, articles: DEMO_KB_ARTICLES.length };
}
