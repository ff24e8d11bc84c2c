// Synthetic pages for tests/e2e/settings.e2e.ts: an X status page with and without the tweet
// author block (a redesigned X drops `[data-testid="User-Name"]`), and a Mastodon 4.x profile on a
// server that is not built in, modelled on tests/fixtures/sites/mastodon/*.html.
import { escapeHtml } from '../../scripts/lib/harness';

/** An X tweet detail page; `withAuthorBlock: false` is X after a redesign the adapter does not know. */
export function xStatusPage(handle: string, text: string, withAuthorBlock: boolean): string {
  const author = withAuthorBlock
    ? `<div data-testid="User-Name"><a href="/${handle}" role="link"><span>${escapeHtml(handle)}</span></a><a href="/${handle}" role="link"><span>@${escapeHtml(handle)}</span></a></div>`
    : // The redesign: the same name and handle, in markup the adapter has no selector for.
      `<header class="tweet-head-v2"><a href="/${handle}"><span>${escapeHtml(handle)}</span> <span>@${escapeHtml(handle)}</span></a></header>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(handle)} on X: "${escapeHtml(text)}" / X</title></head>
<body><main role="main"><section aria-label="Conversation">
<article data-testid="tweet" role="article">${author}
<div data-testid="tweetText" lang="en"><span>${escapeHtml(text)}</span></div>
<a href="/${handle}/status/1"><time datetime="2026-11-01T10:00:00.000Z">Nov 1</time></a>
</article></section></main></body></html>`;
}

/**
 * A Mastodon 4.x profile page at https://<host>/@<user>: the server-rendered head
 * (accounts/show.html.haml), the web app holder and its initial state (shared/_web_app.html.haml),
 * and a few statuses with author links (status/legacy/header.tsx).
 */
export function mastodonProfilePage(opts: { host: string; user: string; name: string; site: string; others: string[] }): string {
  const { host, user, name, site, others } = opts;
  const status = (who: string, display: string, id: number, body: string) => `
  <article data-id="${id}"><div class="status__wrapper focusable" tabindex="0"><div class="status status-public" data-id="${id}">
    <div class="status__info">
      <a data-id="${id}1" class="status__display-name" title="@${who}" href="/@${who}"><div class="status__avatar"><div class="account__avatar"><img src="/a.png" alt=""></div></div><span class="display-name"><bdi><strong class="display-name__html">${escapeHtml(display)}</strong></bdi> <span class="display-name__account">@${who}</span></span></a>
      <a class="status__relative-time" href="/@${who}/${id}"><time datetime="2026-11-01T00:00:00Z">1h</time></a>
    </div>
    <div class="status__content"><div class="status__content__text status__content__text--visible translate" lang="en"><p>${escapeHtml(body)}</p></div></div>
  </div></div></article>`;
  return `<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>${escapeHtml(name)} (@${user}@${host}) - ${escapeHtml(site)}</title>
<meta content="profile" property="og:type">
<meta content="${escapeHtml(name)} (@${user}@${host})" property="og:title">
<meta content="https://${host}/@${user}" property="og:url">
<link href="https://${host}/users/${user}" rel="alternate" type="application/activity+json">
<script id="initial-state" type="application/json">{"meta":{"access_token":null,"domain":"${host}","locale":"en"}}</script>
</head><body class="app-body">
<div class="notranslate app-holder" id="mastodon" data-props="{&quot;locale&quot;:&quot;en&quot;}">
<div class="ui"><div class="columns-area">
${status(user, name, 101, 'Our river clean-up is on Saturday.')}
${others.map((who, i) => status(who, who, 200 + i, `Reply ${i}`)).join('\n')}
</div></div></div>
</body></html>`;
}
