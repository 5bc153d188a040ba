import { describe, expect, it } from 'vitest';
import { sseParser, type SseEvent } from './sse.js';

const parse = (chunks: string[]) => {
  const got: SseEvent[] = [];
  const push = sseParser((e) => got.push(e));
  for (const c of chunks) push(c);
  return got;
};

describe('sseParser', () => {
  it('reads events, their names and data', () => {
    expect(parse(['event: ready\ndata: {}\n\nevent: news\ndata: {"a":1}\n\n'])).toEqual([
      { event: 'ready', data: '{}' },
      { event: 'news', data: '{"a":1}' },
    ]);
  });

  it('waits for the end of a frame split across chunks', () => {
    expect(parse(['event: ne', 'ws\nda', 'ta: 1\n', '\nevent: end\ndata: 2'])).toEqual([
      { event: 'news', data: '1' },
    ]);
  });

  it('skips comments and frames without data; joins data lines; takes CRLF', () => {
    expect(parse([': ping\n\nevent: x\n\ndata: a\r\ndata: b\r\n\r\ndata:c\n\n'])).toEqual([
      { event: 'message', data: 'a\nb' },
      { event: 'message', data: 'c' },
    ]);
  });
});
