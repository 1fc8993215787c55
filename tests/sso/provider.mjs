// A real OpenID provider for the tests: the `oidc-provider` package (npm) on loopback.
//
//   node tests/sso/provider.mjs CONFIG_JSON
//
// CONFIG_JSON: {"port": 0, "client_id": "...", "client_secret": "...",
//               "redirect_uris": [...], "post_logout_redirect_uris": [...]}
// Prints "listening <issuer>" on stdout when ready. Its development login form takes any
// account name below (and any password); consent is given on the person's behalf, as for a
// municipality's own first-party application.
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(process.argv[2]);

// The people of the tests' municipality (domain sso-kommune.test).
const ACCOUNTS = {
  kari: { email: 'kari@sso-kommune.test', email_verified: true, name: 'Kari Nordmann' },
  ola: { email: 'ola@sso-kommune.test', email_verified: false, name: 'Ola Uverifisert' },
  per: { email: 'per@elsewhere.test', email_verified: true, name: 'Per Utenfor' },
  nina: { email: 'nina@sso-kommune.test', email_verified: true, name: 'Nina Ukjent' },
  kim: {
    email: 'kim@sso-kommune.test',
    email_verified: true,
    name: 'Kim Koordinator',
    groups: ['tiltak-koordinatorer', 'alle-ansatte'],
  },
};

const server = http.createServer();
server.listen(config.port || 0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: config.client_id,
      client_secret: config.client_secret,
      redirect_uris: config.redirect_uris,
      post_logout_redirect_uris: config.post_logout_redirect_uris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'groups'],
    },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    async findAccount(ctx, id) {
      const account = ACCOUNTS[id];
      if (!account) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...account }; } };
    },
    // First-party application: no consent screen.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  // The tests' live server listens on a random port: a redirect to a registered address on
  // another port of the same loopback host is allowed (never in a real provider).
  const sameButPort = (value, registered) => registered.some((uri) => {
    const [a, b] = [new URL(value), new URL(uri)];
    return a.protocol === b.protocol && a.hostname === b.hostname && a.pathname === b.pathname;
  });
  provider.Client.prototype.redirectUriAllowed = function allowed(value) {
    return sameButPort(value, this.redirectUris);
  };
  provider.Client.prototype.postLogoutRedirectUriAllowed = function allowed(value) {
    return sameButPort(value, this.postLogoutRedirectUris || []);
  };
  server.on('request', provider.callback());
  process.stdout.write(`listening ${issuer}\n`);
});
