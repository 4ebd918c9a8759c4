import { readFile } from 'node:fs/promises';
import { parseTemplateFile } from '../../core/campaigns/campaign-template.js';
import { createCampaign } from '../../core/campaigns/create-campaign.js';
import { UsageError, ValidationError } from '../../core/errors.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { printJson } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  name?: string;
  segment?: string;
  hospital?: string;
  inactiveDays?: string;
  tier?: string;
  channel?: string;
  template?: string;
  templateFile?: string;
  subject?: string;
  contentSid?: string;
  purpose?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  for (const [flag, value] of [
    ['--name', flags.name],
    ['--segment', flags.segment],
    ['--channel', flags.channel],
  ] as const)
    if (!value) throw new UsageError(`${flag} is required`);
  if (flags.template !== undefined && flags.templateFile !== undefined)
    throw new UsageError('give --template or --template-file, not both');
  let templates: Record<string, string>;
  if (flags.templateFile !== undefined) {
    let text: string;
    try {
      text = await readFile(flags.templateFile, 'utf8');
    } catch (error) {
      throw new ValidationError(
        '--template-file',
        flags.templateFile,
        `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
    templates = parseTemplateFile(text);
  } else if (flags.template !== undefined) templates = { en: flags.template };
  else throw new UsageError('--template or --template-file is required');
  const campaign = await ctx.withServices((svc) =>
    createCampaign(svc, {
      name: flags.name!,
      segment: flags.segment!,
      hospital: flags.hospital,
      inactiveDays: intFlag(flags.inactiveDays, '--inactive-days', { min: 1 }),
      tiers: flags.tier?.split(',').map((t) => t.trim()),
      channel: flags.channel!,
      templates,
      subject: flags.subject,
      contentSid: flags.contentSid,
      purpose: flags.purpose,
    }),
  );
  if (ctx.json) return printJson(ctx, campaign);
  ctx.print(campaign.slug);
  ctx.warn(
    `created draft campaign ${campaign.slug} (${campaign.segment}, ${campaign.channel}, ${campaign.purpose}; languages ${campaign.languages.join(', ')}); next: crm campaign preview ${campaign.slug}`,
  );
}
