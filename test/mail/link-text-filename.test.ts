// Link text that names a file is not a web address, even when its extension is a top-level domain (.zip, .mov).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { visibleTextPointsElsewhere } from '../../src/mail/url.js';

describe('links: a file name as link text', () => {
  const drive = { host: 'drive.google.com', registrableDomain: 'google.com' };
  it('is not taken for a host, while a real host in the text still is', () => {
    assert.equal(visibleTextPointsElsewhere('Factory_tour_photos.zip', drive), false);
    assert.equal(visibleTextPointsElsewhere('Board_meeting_2025.mov', drive), false);
    assert.equal(visibleTextPointsElsewhere('factory-photos.zip', drive), true, 'a hyphenated name is a possible .zip domain');
    assert.equal(visibleTextPointsElsewhere('www.paypal.com', drive), true);
    assert.equal(visibleTextPointsElsewhere('drive.google.com', drive), false);
  });
});
