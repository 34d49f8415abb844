/**
 * A queued mail as it leaves: the outbox keeps subject and plain text (written in the change's
 * transaction); the worker adds the organization's name and an HTML part when it sends, outside
 * any write transaction.
 */
export interface OutgoingMail {
  subject: string;
  text: string;
  html: string;
}

export interface QueuedMailContent {
  subject: string;
  body: string;
  /** The organization the mail is about; null for mail about no organization. */
  orgName: string | null;
}

const LINK = /\b(?:https?|seatdesk):\/\/[^\s<>"']+/g;
// A sentence's full stop or a closing bracket after a link is not part of it.
const TRAILING = /[.,;:!?)\]]+$/;

export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/** One line of text as HTML: escaped, with its links (https and the app's seatdesk:// links) clickable. */
function lineToHtml(line: string): string {
  let html = '';
  let at = 0;
  for (const match of line.matchAll(LINK)) {
    const link = match[0].replace(TRAILING, '');
    const start = match.index;
    html += escapeHtml(line.slice(at, start));
    html += `<a href="${escapeHtml(link)}">${escapeHtml(link)}</a>`;
    at = start + link.length;
  }
  return html + escapeHtml(line.slice(at));
}

export function renderMail(mail: QueuedMailContent): OutgoingMail {
  const body = mail.body.replace(/\s+$/, '');
  const footer = mail.orgName === null ? 'Sent by Seatdesk.' : `Sent by Seatdesk for ${mail.orgName}.`;
  const paragraphs = body
    .split(/\n{2,}/)
    .map((paragraph) => `<p style="margin:0 0 16px">${paragraph.split('\n').map(lineToHtml).join('<br>\n')}</p>`)
    .join('\n');
  const heading = mail.orgName === null ? '' : `<p style="margin:0 0 24px;font-size:18px;font-weight:600">${escapeHtml(mail.orgName)}</p>\n`;
  const html =
    '<!doctype html>\n<html>\n<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
    `<title>${escapeHtml(mail.subject)}</title></head>\n` +
    '<body style="margin:0;padding:24px;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2328">\n' +
    heading +
    paragraphs +
    `\n<p style="margin:24px 0 0;font-size:13px;color:#57606a">${escapeHtml(footer)}</p>\n</body>\n</html>\n`;
  return { subject: mail.subject, text: `${body}\n\n-- \n${footer}\n`, html };
}
