// Headers every answer carries: no MIME sniffing, no referrer beyond our own origin, and no
// framing by other sites (clickjacking): our own pages may frame our answers (a mail's HTML is
// shown in a sandboxed frame of the case page), nobody else — but the web form, which sites
// embed. An answer with its own content security policy (files, mail HTML: `sandbox`) keeps it.
import type { FastifyInstance } from 'fastify';

/** Pages any site may frame: the web form (embed.js puts it in an iframe on the customer's site). */
const EMBEDDABLE = new Set(['/form']);

export function registerSecurityHeaders(app: FastifyInstance) {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (EMBEDDABLE.has(request.url.split('?')[0]!)) return payload;
    reply.header('x-frame-options', 'SAMEORIGIN');
    if (!reply.hasHeader('content-security-policy'))
      reply.header('content-security-policy', "frame-ancestors 'self'");
    return payload;
  });
}
