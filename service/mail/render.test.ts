import { describe, expect, it } from 'vitest';
import { renderMail } from './render';

describe('renderMail', () => {
  it('adds the organization to the text and HTML, keeps paragraphs and makes links clickable', () => {
    const mail = renderMail({
      subject: 'You are invited to Contoso Dental on Seatdesk',
      body: 'Hello,\n\nAda invited you to Contoso Dental on Seatdesk.\nAccept here: seatdesk://accept-invitation?token=abc_DEF-123.\n\nThe link works once.\n',
      orgName: 'Contoso Dental',
    });
    expect(mail.text).toBe(
      'Hello,\n\nAda invited you to Contoso Dental on Seatdesk.\nAccept here: seatdesk://accept-invitation?token=abc_DEF-123.\n\nThe link works once.\n\n-- \nSent by Seatdesk for Contoso Dental.\n',
    );
    // The sentence's full stop is not part of the link.
    expect(mail.html).toContain('Accept here: <a href="seatdesk://accept-invitation?token=abc_DEF-123">seatdesk://accept-invitation?token=abc_DEF-123</a>.');
    expect(mail.html).toContain('<p style="margin:0 0 16px">Hello,</p>');
    expect(mail.html).toContain('Ada invited you to Contoso Dental on Seatdesk.<br>\n');
    expect(mail.html).toContain('>Contoso Dental</p>');
    expect(mail.html).toContain('Sent by Seatdesk for Contoso Dental.');
  });

  it('escapes everything that came from data: a name cannot inject markup or a link', () => {
    const mail = renderMail({ subject: 'A <b>subject</b>', body: 'Hi <script>alert(1)</script> & "you" https://example.com/?a=1&b=<2>', orgName: 'Evil <img src=x onerror=alert(1)> & Co' });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('Evil &lt;img src=x onerror=alert(1)&gt; &amp; Co');
    expect(mail.html).toContain('<title>A &lt;b&gt;subject&lt;/b&gt;</title>');
    expect(mail.html).toContain('<a href="https://example.com/?a=1&amp;b=">https://example.com/?a=1&amp;b=</a>&lt;2&gt;');
  });

  it('mail about no organization says so plainly', () => {
    const mail = renderMail({ subject: 'Notice', body: 'Hello', orgName: null });
    expect(mail.text).toBe('Hello\n\n-- \nSent by Seatdesk.\n');
    expect(mail.html).not.toContain('font-weight:600');
  });
});
