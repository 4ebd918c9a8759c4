import { ValidationError } from '../errors.js';

/**
 * The banks an owner may be paid to: CBN's institution codes of the licensed deposit-money banks
 * (commercial, merchant and non-interest banks, 3 digits) and of the payment-service banks and
 * larger microfinance banks operators have asked for (5 or 6 digits, as the NIBSS NUBAN scheme
 * writes them). A code not listed here is refused (exit 3): a mistyped code would otherwise reach
 * the bank file with no bank behind it. Add a bank here when CBN licenses one an owner uses.
 */
export const CBN_BANKS: Readonly<Record<string, string>> = {
  // commercial banks
  '044': 'Access Bank',
  '023': 'Citibank Nigeria',
  '050': 'Ecobank Nigeria',
  '070': 'Fidelity Bank',
  '011': 'First Bank of Nigeria',
  '214': 'First City Monument Bank',
  '103': 'Globus Bank',
  '058': 'Guaranty Trust Bank',
  '030': 'Heritage Bank',
  '082': 'Keystone Bank',
  '104': 'Parallex Bank',
  '076': 'Polaris Bank',
  '105': 'PremiumTrust Bank',
  '101': 'Providus Bank',
  '106': 'Signature Bank',
  '221': 'Stanbic IBTC Bank',
  '068': 'Standard Chartered Bank',
  '232': 'Sterling Bank',
  '100': 'SunTrust Bank',
  '102': 'Titan Trust Bank',
  '032': 'Union Bank of Nigeria',
  '033': 'United Bank for Africa',
  '215': 'Unity Bank',
  '035': 'Wema Bank',
  '057': 'Zenith Bank',
  '107': 'Optimus Bank',
  // non-interest banks
  '301': 'Jaiz Bank',
  '303': 'Lotus Bank',
  '302': 'TAJBank',
  // merchant banks
  '559': 'Coronation Merchant Bank',
  '060': 'FBNQuest Merchant Bank',
  '501': 'FSDH Merchant Bank',
  '562': 'Greenwich Merchant Bank',
  '561': 'Nova Merchant Bank',
  '502': 'Rand Merchant Bank',
  // payment-service and microfinance banks
  '120001': '9 Payment Service Bank',
  '100004': 'OPay',
  '100033': 'PalmPay',
  '090405': 'Moniepoint Microfinance Bank',
  '090267': 'Kuda Microfinance Bank',
  '50211': 'Kuda Microfinance Bank',
  '50515': 'Moniepoint Microfinance Bank',
};

/** The bank's name for a listed CBN code; ValidationError (exit 3) naming the code otherwise. */
export function requireKnownBank(bankCode: string): string {
  const name = CBN_BANKS[bankCode];
  if (!name)
    throw new ValidationError(
      'bank-code',
      bankCode,
      'not a CBN bank code of a bank we pay to (e.g. 058 Guaranty Trust Bank, 044 Access Bank)',
    );
  return name;
}
