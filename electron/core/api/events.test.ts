import { describe, expect, it } from 'vitest';
import { serverSentEvents, type ServerSentEvent } from './events';

async function parse(chunks: string[]): Promise<ServerSentEvent[]> {
  async function* source() {
    yield* chunks;
  }
  const events: ServerSentEvent[] = [];
  for await (const event of serverSentEvents(source())) events.push(event);
  return events;
}

describe('serverSentEvents', () => {
  it('reads the service stream: comments skipped, one event per poke', async () => {
    const stream = ': connected\n\nevent: poke\ndata: {}\n\n: keepalive\n\nevent: poke\ndata: {}\n\n';
    expect(await parse([stream])).toEqual([
      { event: 'poke', data: '{}' },
      { event: 'poke', data: '{}' },
    ]);
  });

  it('does not depend on how the bytes are split into chunks', async () => {
    const stream = ': connected\r\n\r\nevent: poke\r\ndata: {}\r\n\r\nevent: poke\ndata:{}\n\n';
    const whole = await parse([stream]);
    expect(whole).toHaveLength(2);
    expect(await parse([...stream])).toEqual(whole);
    for (let cut = 1; cut < stream.length; cut += 1) {
      expect(await parse([stream.slice(0, cut), stream.slice(cut)]), `cut at ${cut}`).toEqual(whole);
    }
  });

  it('delivers a data-free event, joins multi-line data, and drops an unfinished event', async () => {
    expect(await parse(['event: poke\n\ndata: a\ndata: b\n\nevent: poke\ndata: {}'])).toEqual([
      { event: 'poke', data: '' },
      { event: 'message', data: 'a\nb' },
    ]);
  });
});
