import { findChromium } from '../support/browser';

const nowhere = () => undefined;

describe('finding a Chromium for the browser tests', () => {
  it('takes CHROMIUM_PATH first when it is an executable', () => {
    const isExecutable = (f: string) => f === '/opt/chrome' || f === '/usr/bin/chromium';
    expect(findChromium({ CHROMIUM_PATH: '/opt/chrome' }, isExecutable, nowhere)).toEqual({ kind: 'system', path: '/opt/chrome' });
  });

  it("falls through a CHROMIUM_PATH that is missing to Debian's Chromium", () => {
    const isExecutable = (f: string) => f === '/usr/bin/chromium';
    expect(findChromium({ CHROMIUM_PATH: '/missing' }, isExecutable, nowhere)).toEqual({ kind: 'system', path: '/usr/bin/chromium' });
  });

  it('then Google Chrome on the PATH', () => {
    const onPath = (name: string) => (name === 'google-chrome' ? '/usr/local/bin/google-chrome' : undefined);
    const isExecutable = (f: string) => f === '/usr/local/bin/google-chrome';
    expect(findChromium({}, isExecutable, onPath)).toEqual({ kind: 'system', path: '/usr/local/bin/google-chrome' });
  });

  it('uses the packaged Chromium when the machine has none', () => {
    expect(findChromium({ CHROMIUM_PATH: '/missing' }, () => false, nowhere)).toEqual({ kind: 'bundled' });
  });
});
