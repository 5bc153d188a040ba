// Reads a text/event-stream (server-sent events) as it arrives, chunk by chunk: the web UI's live
// connection and the tests both use it. Handles what the format allows that a naive split does
// not: frames split across chunks, CRLF line ends, several data lines, comment lines.

export interface SseEvent {
  event: string;
  data: string;
}

/** A parser: feed it the decoded text as it comes; it calls `onEvent` for each complete event. */
export function sseParser(onEvent: (e: SseEvent) => void): (chunk: string) => void {
  let buffer = '';
  return (chunk) => {
    buffer += chunk;
    const frames = buffer.split(/\r\n\r\n|\n\n|\r\r/);
    buffer = frames.pop()!;
    for (const frame of frames) {
      let event = 'message';
      const data: string[] = [];
      for (const line of frame.split(/\r\n|\n|\r/)) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) onEvent({ event, data: data.join('\n') });
    }
  };
}
