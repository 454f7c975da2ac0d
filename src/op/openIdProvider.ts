import { Router } from 'express';
import type { default as Provider } from 'oidc-provider';
import type { DomainContext } from '../domain/context';
import type { Logger } from '../logger';
import { interactionRoutes } from './interactionRoutes';
import { createProvider } from './provider';
import { ensureOpKeys, publishedSigningKeys } from './signingKeys';

type Built = { kids: string; provider: Promise<Provider>; callback: Promise<ReturnType<Provider['callback']>> };

/**
 * seatd as the OpenID Provider of the vendor's applications (panva/oidc-provider, issuer =
 * PUBLIC_URL), mounted in the Express app: discovery at /.well-known/openid-configuration, the
 * endpoints under /oidc/. The provider is rebuilt when the signing keys change (`seatd keys
 * rotate` in another process), so every process signs with the newest key and publishes the old.
 */
export function openIdProviderRoutes(ctx: DomainContext, logger: Logger): Router {
  const keysReady = ensureOpKeys(ctx); // on first start: every process after this one finds them in the database
  keysReady.catch((err: unknown) => logger.error({ err }, 'cannot create the OpenID Provider signing keys'));
  let built: Built | undefined;
  const current = async (): Promise<Built> => {
    await keysReady;
    const kids = (await publishedSigningKeys(ctx)).map((k) => k.kid).join(' ');
    if (!built || built.kids !== kids) {
      const provider = createProvider(ctx, logger);
      built = { kids, provider, callback: provider.then((p) => p.callback()) };
      provider.catch(() => (built = undefined));
    }
    return built;
  };

  const issuer = new URL(ctx.publicUrl);
  const router = Router();
  router.use(interactionRoutes(ctx, logger, async () => (await current()).provider));
  router.use(async (req, res, next) => {
    if (req.path !== '/.well-known/openid-configuration' && !req.path.startsWith('/oidc/')) return next();
    // every URL the provider writes (discovery, redirects, cookies' security) is on PUBLIC_URL, whatever Host the request named
    req.headers['x-forwarded-host'] = issuer.host;
    req.headers['x-forwarded-proto'] = issuer.protocol.slice(0, -1);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
    await (
      await (
        await current()
      ).callback
    )(req, res);
  });
  return router;
}
