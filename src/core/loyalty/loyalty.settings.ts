/** The loyalty programme's settings, from the environment (core/config.ts). */
export interface LoyaltySettings {
  /** Points expire this many months after they were earned (CRM_LOYALTY_EXPIRY_MONTHS, 12). */
  expiryMonths: number;
  /** `loyalty expire --notify` warns this many days ahead (CRM_LOYALTY_NOTIFY_DAYS, 14). */
  notifyDays: number;
  /** What a point is worth to finance, in kobo (CRM_LOYALTY_POINT_VALUE_KOBO, 100 = ₦1). */
  pointValueKobo: number;
}

export const DEFAULT_LOYALTY_SETTINGS: LoyaltySettings = {
  expiryMonths: 12,
  notifyDays: 14,
  pointValueKobo: 100,
};
