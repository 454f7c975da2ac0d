import { html, htmlDocument, Html } from '../../web/html';

export { html, Html };
export { formatMoney } from '../../domain/money';

/** The console's one script: copy buttons, added to pages that work without them. */
export const COPY_SCRIPT_PATH = '/console/copy.js';

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;color:#1b1f23;line-height:1.45}
header{background:#1b1f23;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.2rem;align-items:center}
header a{color:#fff}header form{margin-left:auto}
main{max-width:64rem;margin:1.5rem auto;padding:0 1.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.bar{background:#e5e7eb;border-radius:4px;height:1rem;width:20rem;max-width:100%;overflow:hidden;display:inline-block;vertical-align:middle}
.bar>span{display:block;height:100%;background:#2563eb}.bar.full>span{background:#dc2626}
.alert{border-left:4px solid #dc2626;background:#fef2f2;padding:.5rem .8rem;margin:.5rem 0}
.notice{border-left:4px solid #16a34a;background:#f0fdf4;padding:.5rem .8rem;margin:.5rem 0}
.error{border-left:4px solid #dc2626;background:#fef2f2;padding:.5rem .8rem;margin:.5rem 0}
button,.button{font:inherit;padding:.3rem .8rem;cursor:pointer}
label{display:inline-block;min-width:14rem}input[type=number]{width:6rem}
.pencil{text-decoration:none;font-size:1.1rem}
.copy input{width:36rem;max-width:100%;font-family:ui-monospace,monospace}
details{margin:.3rem 0}summary{cursor:pointer}
.parties{display:flex;gap:3rem}.parties h2{font-size:1rem;margin-bottom:.2rem}small{color:#555}
@media print{header,nav,form,.noprint{display:none}main{margin:0;max-width:none}}
`;

export function layout(input: { title: string; orgName: string; csrfToken: string; role: string; body: Html }): Html {
  const owner = input.role === 'owner' || input.role === 'primary_owner';
  return htmlDocument({
    title: `${input.title} · ${input.orgName}`,
    style: STYLE,
    body: html`<header>
        <strong>${input.orgName}</strong>
        <nav aria-label="Console">
          <a href="/console">Seats</a> · <a href="/console/members">Members</a> · <a href="/console/log">Provisioning log</a> ·
          <a href="/console/sso">Identity provider</a>${
            owner
              ? html` · <a href="/console/scim">SCIM</a> · <a href="/console/api-tokens">API tokens</a> ·
                  <a href="/console/webhooks">Webhooks</a> · <a href="/console/invoices">Invoices</a>`
              : ''
          }
        </nav>
        <form method="post" action="/logout">
          <input type="hidden" name="_csrf" value="${input.csrfToken}" /><button type="submit">Sign out</button>
        </form>
      </header>
      <main>
        <h1>${input.title}</h1>
        ${input.body}
      </main>
      <script src="${COPY_SCRIPT_PATH}" defer></script>`,
  });
}
