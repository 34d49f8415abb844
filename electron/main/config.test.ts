import { describe, expect, it } from 'vitest';
import { defaultServiceUrl, resolveAppConfig } from './config';

describe('resolveAppConfig', () => {
  it('defaults to the embedded demo service and no updates', () => {
    expect(resolveAppConfig({}, undefined)).toEqual({
      serviceUrl: null,
      embeddedService: true,
      updateFeedUrl: null,
      userDataDir: null,
      problems: [],
    });
  });

  it('turns the embedded service off when a service URL is configured, unless asked for', () => {
    const file = { serviceUrl: 'https://billing.northwind.example' };
    expect(resolveAppConfig({}, file)).toMatchObject({ serviceUrl: 'https://billing.northwind.example', embeddedService: false });
    expect(resolveAppConfig({ SEATDESK_EMBEDDED_SERVICE: 'on' }, file)).toMatchObject({ embeddedService: true });
    expect(resolveAppConfig({ SEATDESK_EMBEDDED_SERVICE: '0' }, {})).toMatchObject({ embeddedService: false });
  });

  it('lets the environment win over config.json', () => {
    const config = resolveAppConfig(
      { SEATDESK_SERVICE_URL: 'http://127.0.0.1:4000', SEATDESK_UPDATE_FEED_URL: 'https://updates.northwind.example/seatdesk/' },
      { serviceUrl: 'https://billing.northwind.example', updateFeedUrl: 'https://other.example/' },
    );
    expect(config).toMatchObject({ serviceUrl: 'http://127.0.0.1:4000', updateFeedUrl: 'https://updates.northwind.example/seatdesk/' });
  });

  it('ignores bad values with a problem to log, falling back to the next source', () => {
    const config = resolveAppConfig(
      { SEATDESK_SERVICE_URL: 'javascript:alert(1)', SEATDESK_EMBEDDED_SERVICE: 'maybe' },
      { serviceUrl: 'https://billing.northwind.example', updateFeedUrl: 'http://updates.example/', embeddedService: 'yes please' },
    );
    expect(config.serviceUrl).toBe('https://billing.northwind.example');
    expect(config.updateFeedUrl).toBeNull();
    expect(config.embeddedService).toBe(false);
    expect(config.problems).toHaveLength(4);
    expect(config.problems.join('\n')).toContain('update feed URL (config.json): must be an https:// URL');
  });

  it('accepts a plain-http update feed only on loopback', () => {
    expect(resolveAppConfig({ SEATDESK_UPDATE_FEED_URL: 'http://127.0.0.1:8080/' }, {}).updateFeedUrl).toBe('http://127.0.0.1:8080/');
    expect(resolveAppConfig({ SEATDESK_UPDATE_FEED_URL: 'http://updates.example/' }, {}).updateFeedUrl).toBeNull();
  });

  it('ignores a config.json that is not an object', () => {
    expect(resolveAppConfig({}, ['serviceUrl']).problems).toEqual(['config.json is not a JSON object; it is ignored.']);
    expect(resolveAppConfig({}, 'x').embeddedService).toBe(true);
  });
});

describe('defaultServiceUrl', () => {
  it('pre-fills a configured service, else the embedded one', () => {
    const embedded = resolveAppConfig({}, {});
    expect(defaultServiceUrl(embedded, 'http://127.0.0.1:51234')).toBe('http://127.0.0.1:51234');
    expect(defaultServiceUrl(embedded, null)).toBeNull();
    const configured = resolveAppConfig({ SEATDESK_SERVICE_URL: 'https://billing.northwind.example' }, {});
    expect(defaultServiceUrl(configured, null)).toBe('https://billing.northwind.example');
  });
});
