import type { CampaignSendResult } from '../../core/campaigns/send-campaign.js';
import { PartialFailureError, UsageError } from '../../core/errors.js';
import type { MessagingConfig } from '../../core/messaging/messaging.config.js';
import type { Channel } from '../../core/patients/patient.entity.js';
import type { CommandContext } from '../_shared/context.js';
import { startProgress } from '../_shared/progress.js';
import { printJson, printRecord } from '../_shared/render.js';

/** `--rate 20/s` or `--rate 20`: messages per second for every channel of this run (0: no limit). */
export function withRate(config: MessagingConfig, rate: string | undefined): MessagingConfig {
  if (rate === undefined) return config;
  const m = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(rate.trim());
  if (!m) throw new UsageError(`--rate: expected messages per second such as 20/s, got "${rate}"`);
  const n = Number(m[1]);
  const rates: Record<Channel, number> = { sms: n, whatsapp: n, email: n };
  return { ...config, ratePerSecond: rates };
}

/** `--holdout 5%` (or `5`) as basis points. */
export function holdoutBps(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d{1,2})?)%?$/.exec(value.trim());
  if (!m) throw new UsageError(`--holdout: expected a share such as 5%, got "${value}"`);
  return Math.round(Number(m[1]) * 100);
}

/** Runs a send with a progress bar on a TTY, prints its result, and sets the exit code. */
export async function runSend(
  ctx: CommandContext,
  slug: string,
  send: (onProgress: (p: { done: number; total: number }) => void) => Promise<CampaignSendResult>,
): Promise<void> {
  const progress = ctx.json ? undefined : startProgress(ctx, `campaign ${slug}`);
  let result: CampaignSendResult;
  try {
    result = await send((p) => progress?.update(p.done, Math.max(p.total, p.done), `${p.done} done`));
  } finally {
    progress?.stop();
  }
  if (ctx.json)
    printJson(ctx, {
      successCount: result.successCount,
      failureCount: result.failureCount,
      skippedCount: result.skippedCount,
      deliveryRate: result.deliveryRate,
    });
  else
    await printRecord(ctx, [
      ['status', result.status],
      ['sent', result.successCount],
      ['failed', result.failureCount],
      ['skipped', result.skippedCount],
      ['holdout', result.holdoutCount],
      ['unknown', result.unknownCount],
      ['still to send', result.pendingCount],
      ['delivery rate', result.deliveryRate === null ? '-' : `${(result.deliveryRate * 100).toFixed(1)}%`],
    ]);
  if (result.quietUntil)
    ctx.warn(
      `quiet hours: stopped with ${result.pendingCount} still to send; run \`crm campaign send ${slug}\` again at or after ${result.quietUntil}`,
    );
  if (result.status === 'paused')
    throw new PartialFailureError(
      'campaign_paused',
      `campaign ${slug} paused itself: ${result.pauseReason}; check \`crm campaign status ${slug}\`, then \`crm campaign resume ${slug}\``,
    );
  if (result.failureCount > 0)
    throw new PartialFailureError(
      'campaign_failures',
      `${result.failureCount} recipient(s) failed; see \`crm campaign status ${slug}\``,
    );
}
