// A small, fictional organisation's constituents, so a new user (and `npm start`) sees Kindred
// working at once. It goes through the real CSV import path.
import { importCsv } from '../import/import-csv';
import type { KindredDB } from '../store/db';
import type { Interaction, InteractionKind } from '../store/model';
import type { Platform } from '../identity';

export const DEMO_CSV = `external_id,first_name,last_name,display_name,email,phone,tags,x,facebook,linkedin,instagram,bluesky,mastodon,lifetime_giving,last_gift_amount,last_gift_date,largest_gift,currency,do_not_contact
demo-001,Ada,Okafor,Ada Okafor,ada.okafor@example.org,+1 555 0101,Monthly donor;Volunteer;Gala 2026,https://x.com/adaokafor,ada.okafor,,,,,2450.00,75.00,2026-10-01,500.00,USD,no
demo-002,Marcus,Lindqvist,Marcus Lindqvist,marcus@lindqvist.example,,Board;Major donor,@mlindqvist,,https://www.linkedin.com/in/marcus-lindqvist,,,,48000.00,10000.00,2026-06-15,15000.00,USD,no
demo-003,Priya,Raman,Priya Raman,priya.raman@example.net,,Volunteer,,https://www.facebook.com/profile.php?id=100004512345678,,,,,120.00,20.00,2025-12-01,50.00,USD,yes
demo-004,Tomás,Herrera,Tomás Herrera,tomas@herrera.example,,Prospect;Newsletter,,,,tomas.herrera,tomasherrera.bsky.social,,,,,,,no
demo-005,Mei,Chen,Mei Chen,mei.chen@example.com,,Monthly donor,meichen_org,,,,,@meichen@mastodon.social,860.00,25.00,2026-11-01,100.00,EUR,no
demo-006,Jonah,Abara,Jonah Abara,,,Event attendee,,jonah.abara,,,,,35.00,35.00,2026-03-20,35.00,GBP,no
`;

interface DemoInteraction {
  externalId: string;
  kind: InteractionKind;
  channel: Platform | null;
  daysAgo: number;
  notes: string;
}

const DEMO_INTERACTIONS: DemoInteraction[] = [
  { externalId: 'demo-001', kind: 'comment', channel: 'x', daysAgo: 2, notes: 'Replied to her thread about the food bank drive; thanked her for sharing our appeal.' },
  { externalId: 'demo-001', kind: 'call', channel: null, daysAgo: 21, notes: 'Thank-you call for the October gift. Interested in volunteering at the gala.' },
  { externalId: 'demo-001', kind: 'event', channel: null, daysAgo: 120, notes: 'Attended the summer open day with two friends.' },
  { externalId: 'demo-002', kind: 'meeting', channel: null, daysAgo: 9, notes: 'Board prep lunch. Wants a one-page impact summary before the December meeting.' },
  { externalId: 'demo-002', kind: 'dm', channel: 'x', daysAgo: 40, notes: 'Sent the capital campaign brochure by DM.' },
  { externalId: 'demo-003', kind: 'note', channel: 'facebook', daysAgo: 15, notes: 'Asked not to be contacted for fundraising. Still happy to volunteer at events.' },
  { externalId: 'demo-005', kind: 'email', channel: null, daysAgo: 5, notes: 'Welcome email for new monthly donors.' },
];

export async function loadDemoData(db: KindredDB, now = new Date()): Promise<{ constituents: number; interactions: number }> {
  const report = await importCsv(db, DEMO_CSV, { fileName: 'Kindred demo data' });
  if (report.rejected.length > 0) throw new Error(`demo data rejected: ${report.rejected.map((r) => r.reason).join('; ')}`);
  const interactions: Interaction[] = DEMO_INTERACTIONS.map((demo, i) => {
    const at = new Date(now.getTime() - demo.daysAgo * 86_400_000).toISOString();
    return {
      id: `demo-interaction-${i + 1}`, // fixed ids: loading the demo twice does not duplicate
      constituentId: `local:${demo.externalId}`,
      kind: demo.kind,
      channel: demo.channel,
      at,
      summary: null,
      notes: demo.notes,
      profileUrl: null,
      author: 'Demo',
      source: 'local',
      externalId: null,
      status: 'synced',
      lastError: null,
      createdAt: at,
    };
  });
  await db.interactions.bulkPut(interactions);
  return { constituents: report.imported, interactions: interactions.length };
}
