import type { ServiceContext } from '../context.js';
import { query } from '../db/sql.js';
import { countSegments, type SmsEncoding } from '../messaging/segments.js';
import { renderTemplate } from '../messaging/template.js';
import { formatNaira } from '../money.js';
import { audienceSql, countAudience, SKIP_REASONS } from './audience.sql.js';
import { campaignRepository } from './campaign.repository.js';
import { valuesOf, variantText } from './campaign-render.js';

export interface CampaignPreview {
  slug: string;
  channel: string;
  purpose: string;
  segment: string;
  /** Segment members before filtering. */
  segmentSize: number;
  /** Who would be sent to. */
  audience: number;
  filtered: { reason: string; description: string; count: number }[];
  samples: { language: string; variant: string; subject: string | null; body: string }[];
  languages: {
    language: string;
    /** The variant they get (their own, or English). */
    variant: string;
    recipients: number;
    encoding: SmsEncoding | null;
    segmentsPerMessage: number | null;
  }[];
  /** SMS segments in all (SMS only). */
  totalSegments: number | null;
  estimatedMessages: number;
  estimatedCostKobo: string;
  estimatedCost: string;
}

/** A name long enough to size a message when no one of that language is in the audience. */
const PLACEHOLDER = {
  first_name: 'Oluwaseun',
  last_name: 'Adeyemi-Okonkwo',
  hospital_name: 'Lagos Island Specialist Hospital',
  loyalty_points: '12500',
  tier: 'platinum',
};

/**
 * What a send would do, writing nothing: the audience after consent, opt-out and frequency-cap
 * filtering (and why the others are left out), three rendered samples in different languages,
 * per language the SMS encoding and segments, and an estimated cost at the configured prices.
 */
export async function previewCampaign(ctx: ServiceContext, ref: string): Promise<CampaignPreview> {
  const campaign = await campaignRepository(ctx.em).getByRef(ref);
  const now = ctx.clock.now();
  const settings = ctx.config.campaigns;
  const counts = await countAudience(ctx.em, campaign, settings, now);
  const { sql, params } = audienceSql(campaign, settings, now);
  const rows = await query<{
    language: string;
    first_name: string | null;
    last_name: string | null;
    hospital_name: string | null;
    loyalty_points: string | null;
    tier: string | null;
  }>(
    ctx.em,
    `select distinct on (a.language) a.language, coalesce(p.first_name, o.name) as first_name, p.last_name,
       h.name as hospital_name,
       la.balance::text as loyalty_points, la.tier
     from (${sql}) a left join patient p on p.id = a.patient_id left join owner o on o.id = a.owner_id
     left join hospital h on h.id = p.hospital_id
     left join loyalty_account la on la.patient_id = a.patient_id
     where a.reason is null and $1::uuid is not null
     order by a.language, a.patient_id, a.owner_id`,
    params,
  );
  const byLanguage = new Map(rows.map((r) => [r.language, r]));
  // English first, then the languages with their own variant, then the rest.
  const order = [...byLanguage.keys()].sort(
    (a, b) => rank(a, campaign.templates) - rank(b, campaign.templates) || a.localeCompare(b),
  );
  const samples = order.slice(0, 3).map((language) => {
    const row = byLanguage.get(language)!;
    const v = variantText(campaign, language);
    const values = valuesOf(row);
    return {
      language,
      variant: v.language,
      subject: campaign.subject ? renderTemplate(campaign.subject, values) : null,
      body: renderTemplate(v.text, values),
    };
  });
  const languages = [...new Set([...Object.keys(campaign.templates), ...Object.keys(counts.byLanguage)])].map(
    (language) => {
      const v = variantText(campaign, language);
      const sample = byLanguage.get(language);
      const body = renderTemplate(v.text, sample ? valuesOf(sample) : PLACEHOLDER);
      const seg = campaign.channel === 'sms' ? countSegments(body) : null;
      return {
        language,
        variant: v.language,
        recipients: counts.byLanguage[language] ?? 0,
        encoding: seg?.encoding ?? null,
        segmentsPerMessage: seg?.segments ?? null,
      };
    },
  );
  const totalSegments =
    campaign.channel === 'sms'
      ? languages.reduce((a, l) => a + l.recipients * (l.segmentsPerMessage ?? 0), 0)
      : null;
  const price = settings.priceKobo[campaign.channel];
  const cost = BigInt(totalSegments ?? counts.eligible) * price;
  return {
    slug: campaign.slug,
    channel: campaign.channel,
    purpose: campaign.purpose,
    segment: campaign.segment,
    segmentSize: counts.total,
    audience: counts.eligible,
    filtered: Object.entries(counts.filtered).map(([reason, count]) => ({
      reason,
      description: SKIP_REASONS[reason as keyof typeof SKIP_REASONS] ?? reason,
      count,
    })),
    samples,
    languages,
    totalSegments,
    estimatedMessages: counts.eligible,
    estimatedCostKobo: cost.toString(),
    estimatedCost: formatNaira(cost),
  };
}

function rank(language: string, templates: Record<string, unknown>): number {
  if (language === 'en') return 0;
  return language in templates ? 1 : 2;
}
