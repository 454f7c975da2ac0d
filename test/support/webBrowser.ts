/**
 * A browser for flows across several servers (seatd, an org's IdP, a vendor application): a cookie
 * jar per host, redirects followed by hand so a test can stop at the URL it is waiting for.
 */
export class WebBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  private cookiesOf(host: string): Map<string, string> {
    let cookies = this.jar.get(host);
    if (!cookies) this.jar.set(host, (cookies = new Map()));
    return cookies;
  }

  cookie(url: string, name: string): string | undefined {
    return this.cookiesOf(new URL(url).host).get(name);
  }

  setCookie(url: string, name: string, value: string): void {
    this.cookiesOf(new URL(url).host).set(name, value);
  }

  /** One request, no redirect followed; a form is sent url-encoded. */
  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const cookies = this.cookiesOf(new URL(url).host);
    const headers: Record<string, string> = { accept: 'text/html', cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(url, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=.*1970/i.test(a));
      if (!value || expired) cookies.delete(name);
      else cookies.set(name, value);
    }
    return res;
  }

  /**
   * Follows redirects from `url` until one points where `stop` says (answered without requesting
   * it) or a page answers. Answers the last URL and, for a page, its response.
   */
  async follow(
    url: string,
    stop: (url: URL) => boolean = () => false,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<{ url: URL; page?: Response }> {
    let current = url;
    let first = true;
    for (let hop = 0; hop < 20; hop++) {
      if (!first && stop(new URL(current))) return { url: new URL(current) };
      const res = await this.request(current, first ? init : {});
      first = false;
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { url: new URL(current), page: res };
      current = new URL(location, current).href;
    }
    throw new Error('too many redirects');
  }
}
