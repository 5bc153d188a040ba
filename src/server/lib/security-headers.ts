// Headers every answer carries: no MIME sniffing, no referrer beyond our own origin, and no
// framing by other sites (clickjacking): our own pages may frame our answers (a mail's HTML is
// shown in a sandboxed frame of the case page), nobody else. An answer with its own content
// security policy (files, mail HTML: `sandbox`) keeps it.
import type { FastifyInstance } from 'fastify';

export function registerSecurityHeaders(app: FastifyInstance) {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'SAMEORIGIN');
    reply.header('referrer-policy', 'same-origin');
    if (!reply.hasHeader('content-security-policy'))
      reply.header('content-security-policy', "frame-ancestors 'self'");
    return payload;
  });
}
