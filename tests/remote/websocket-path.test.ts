// ws parses the websocket's path as a URL: `..` is resolved and `#…` dropped, so a path it would
// rewrite must be refused before a channel is opened, and a plain one must go through unchanged.
import { describe, expect, jest, test } from '@jest/globals';
import type { Duplex } from 'node:stream';
import { openWebSocket } from '../../src/remote/websocket.js';

const ctx = (path: string) => ({ host: 'node1', service: 'microcloud' as const, method: 'GET', path });

describe('the websocket path', () => {
  test.each([
    ['/1.0/session/../initiating', '/1.0/initiating'],
    ['/1.0/session/initiating#x', '/1.0/session/initiating'],
    ['/1.0/./session', '/1.0/session'],
  ])('%s is refused, naming what a URL would send (%s), and nothing is opened', async (path, sent) => {
    const open = jest.fn(async (): Promise<Duplex> => { throw new Error('opened'); });
    await expect(openWebSocket(open, ctx(path), {})).rejects.toThrow(`a URL would send it as ${JSON.stringify(sent)}`);
    expect(open).not.toHaveBeenCalled();
  });

  test('a path a URL keeps as it is goes on to open the channel', async () => {
    const open = jest.fn(async (): Promise<Duplex> => { throw new Error('opened'); });
    await expect(openWebSocket(open, ctx('/1.0/session/initiating?x=%2F'), {})).rejects.toThrow('opened');
    expect(open).toHaveBeenCalledTimes(1);
  });
});
