/**
 * The widget key `npm run dev` seeds for the demo tenant (scripts/lib/seed.ts). It is publishable and only
 * allowed on the local dev origins, so it opens nothing anywhere else.
 */
export const DEMO_WIDGET_KEY = "wk_BordeDemoLocalWidgetKey0";

export const DEMO_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Borde webchat demo</title>
<script src="/widget.js" defer></script>
</head>
<body style="font: 16px system-ui, sans-serif; margin: 2rem; background: #f7f7fa">
<h1>Borde webchat demo</h1>
<p>The chat below is the widget a tenant embeds with one tag:
<code>&lt;script src="/widget.js" defer&gt;&lt;/script&gt; &lt;borde-chat key="${DEMO_WIDGET_KEY}"&gt;&lt;/borde-chat&gt;</code></p>
<borde-chat key="${DEMO_WIDGET_KEY}" title="Demo Company"></borde-chat>
</body>
</html>`;

// The widget styles its shadow root inline and talks to this origin over a WebSocket.
export const DEMO_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";
