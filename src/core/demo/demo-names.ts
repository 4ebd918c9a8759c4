/**
 * The demo's people and places: hospitals in the five cities SPEC §6 names, and given names and
 * surnames by language group, so that a patient's name, city and preferred language go together
 * the way they do in the network (Yoruba in Lagos and Ibadan, Hausa in Kano, Igbo and Pidgin in
 * Port Harcourt, a mix in Abuja).
 */
export type Language = 'en' | 'pcm' | 'yo' | 'ha' | 'ig';
export type Group = 'yoruba' | 'igbo' | 'hausa' | 'english';

export interface DemoHospital {
  code: string;
  name: string;
  state: string;
  city: string;
  address: string;
  /** Share of the network's patients and revenue. */
  weight: number;
  /** Which name groups its patients come from, by weight. */
  groups: readonly (readonly [Group, number])[];
}

export const DEMO_HOSPITALS: readonly DemoHospital[] = [
  {
    code: 'LAG-001',
    name: 'Lagos Island Specialist Hospital',
    state: 'Lagos',
    city: 'Lagos',
    address: '12 Broad Street, Lagos Island',
    weight: 16,
    groups: [
      ['yoruba', 55],
      ['igbo', 20],
      ['english', 15],
      ['hausa', 10],
    ],
  },
  {
    code: 'LAG-002',
    name: 'Ikeja Family Clinic',
    state: 'Lagos',
    city: 'Ikeja',
    address: '4 Allen Avenue, Ikeja',
    weight: 13,
    groups: [
      ['yoruba', 55],
      ['igbo', 25],
      ['english', 10],
      ['hausa', 10],
    ],
  },
  {
    code: 'LAG-003',
    name: 'Lekki Women and Children Hospital',
    state: 'Lagos',
    city: 'Lekki',
    address: '21 Admiralty Way, Lekki Phase 1',
    weight: 11,
    groups: [
      ['yoruba', 45],
      ['igbo', 25],
      ['english', 25],
      ['hausa', 5],
    ],
  },
  {
    code: 'ABJ-001',
    name: 'Garki Medical Centre',
    state: 'FCT',
    city: 'Abuja',
    address: 'Plot 7, Ahmadu Bello Way, Garki',
    weight: 11,
    groups: [
      ['hausa', 35],
      ['igbo', 20],
      ['yoruba', 20],
      ['english', 25],
    ],
  },
  {
    code: 'ABJ-002',
    name: 'Wuse Diagnostics and Clinic',
    state: 'FCT',
    city: 'Abuja',
    address: '33 Aminu Kano Crescent, Wuse 2',
    weight: 8,
    groups: [
      ['hausa', 35],
      ['igbo', 20],
      ['yoruba', 20],
      ['english', 25],
    ],
  },
  {
    code: 'PHC-001',
    name: 'Garden City Hospital',
    state: 'Rivers',
    city: 'Port Harcourt',
    address: '9 Aba Road, Port Harcourt',
    weight: 10,
    groups: [
      ['igbo', 60],
      ['english', 25],
      ['yoruba', 10],
      ['hausa', 5],
    ],
  },
  {
    code: 'PHC-002',
    name: 'GRA Specialist Clinic',
    state: 'Rivers',
    city: 'Port Harcourt',
    address: '15 Tombia Street, GRA Phase 2',
    weight: 7,
    groups: [
      ['igbo', 60],
      ['english', 25],
      ['yoruba', 10],
      ['hausa', 5],
    ],
  },
  {
    code: 'KAN-001',
    name: 'Kano Central Hospital',
    state: 'Kano',
    city: 'Kano',
    address: '2 Murtala Mohammed Way, Kano',
    weight: 9,
    groups: [
      ['hausa', 85],
      ['english', 5],
      ['yoruba', 5],
      ['igbo', 5],
    ],
  },
  {
    code: 'IBD-001',
    name: 'Bodija Medical Centre',
    state: 'Oyo',
    city: 'Ibadan',
    address: '18 Awolowo Avenue, Bodija',
    weight: 9,
    groups: [
      ['yoruba', 80],
      ['igbo', 10],
      ['english', 5],
      ['hausa', 5],
    ],
  },
  {
    code: 'IBD-002',
    name: 'Ring Road Hospital',
    state: 'Oyo',
    city: 'Ibadan',
    address: '40 Ring Road, Ibadan',
    weight: 6,
    groups: [
      ['yoruba', 80],
      ['igbo', 10],
      ['english', 5],
      ['hausa', 5],
    ],
  },
];

export const FIRST_NAMES: Record<Group, { female: readonly string[]; male: readonly string[] }> = {
  yoruba: {
    female: [
      'Adunni',
      'Funmilayo',
      'Folake',
      'Yetunde',
      'Bisola',
      'Titilayo',
      'Omolara',
      'Kemi',
      'Abike',
      'Temitope',
      'Morenike',
      'Ifeoluwa',
    ],
    male: [
      'Adebayo',
      'Olumide',
      'Babatunde',
      'Oluwaseun',
      'Kayode',
      'Adewale',
      'Femi',
      'Tunde',
      'Segun',
      'Ayodele',
      'Damilare',
      'Gbenga',
    ],
  },
  igbo: {
    female: [
      'Ngozi',
      'Chioma',
      'Adaeze',
      'Nneka',
      'Amarachi',
      'Ifeoma',
      'Chiamaka',
      'Uchechi',
      'Obiageli',
      'Ebele',
      'Chinwe',
      'Ogechi',
    ],
    male: [
      'Chukwuemeka',
      'Obinna',
      'Chinedu',
      'Ikenna',
      'Emeka',
      'Uchenna',
      'Nnamdi',
      'Chidi',
      'Kelechi',
      'Ifeanyi',
      'Somto',
      'Tochukwu',
    ],
  },
  hausa: {
    female: [
      'Amina',
      'Hauwa',
      'Zainab',
      'Aisha',
      'Fatima',
      'Hadiza',
      'Maryam',
      'Bilkisu',
      'Halima',
      'Rukayya',
      'Safiya',
      'Khadija',
    ],
    male: [
      'Musa',
      'Ibrahim',
      'Abdullahi',
      'Sani',
      'Usman',
      'Aliyu',
      'Yusuf',
      'Bashir',
      'Nasiru',
      'Mustapha',
      'Abubakar',
      'Umar',
    ],
  },
  english: {
    female: [
      'Grace',
      'Blessing',
      'Esther',
      'Joy',
      'Mercy',
      'Patience',
      'Deborah',
      'Faith',
      'Victoria',
      'Gloria',
      'Precious',
      'Comfort',
    ],
    male: [
      'Daniel',
      'Samuel',
      'Emmanuel',
      'David',
      'Michael',
      'Joseph',
      'Victor',
      'Godwin',
      'Peter',
      'Stephen',
      'Paul',
      'Henry',
    ],
  },
};

export const SURNAMES: Record<Group, readonly string[]> = {
  yoruba: [
    'Adeyemi',
    'Ogunleye',
    'Balogun',
    'Adebayo',
    'Okonkwo-Adeola',
    'Olatunji',
    'Akinwale',
    'Oyelaran',
    'Fashola',
    'Adesanya',
    'Ogundipe',
    'Afolabi',
    'Oladipo',
    'Ajayi',
  ],
  igbo: [
    'Okafor',
    'Nwosu',
    'Eze',
    'Okeke',
    'Obi',
    'Nwachukwu',
    'Onyekachi',
    'Okoro',
    'Ibe',
    'Anyanwu',
    'Chukwu',
    'Nnaji',
    'Ugwu',
    'Ezeh',
  ],
  hausa: [
    'Bello',
    'Abubakar',
    'Mohammed',
    'Suleiman',
    'Danjuma',
    'Garba',
    'Lawal',
    'Yakubu',
    'Shehu',
    'Aminu',
    'Sadiq',
    'Idris',
    'Kabir',
    'Tanko',
  ],
  english: [
    'Johnson',
    'Williams',
    'Peters',
    'George',
    'Thompson',
    'Davies',
    'Briggs',
    'Jack',
    'Harry',
    'Douglas',
    'Benson',
    'Macaulay',
    'Cole',
    'Wilson',
  ],
};

/** Languages a patient of each group prefers, by weight. */
export const LANGUAGES: Record<Group, readonly (readonly [Language, number])[]> = {
  yoruba: [
    ['yo', 45],
    ['en', 40],
    ['pcm', 15],
  ],
  igbo: [
    ['ig', 35],
    ['en', 35],
    ['pcm', 30],
  ],
  hausa: [
    ['ha', 65],
    ['en', 30],
    ['pcm', 5],
  ],
  english: [
    ['en', 70],
    ['pcm', 30],
  ],
};

/** Nigerian mobile prefixes (MTN, Airtel, Glo, 9mobile), without the leading 0. */
export const MOBILE_PREFIXES = [
  '803',
  '806',
  '813',
  '816',
  '703',
  '706',
  '810',
  '814',
  '903',
  '906',
  '802',
  '808',
  '812',
  '701',
  '708',
  '902',
  '901',
  '805',
  '807',
  '815',
  '705',
  '905',
  '809',
  '817',
  '818',
  '909',
] as const;

export const DEPARTMENTS = [
  'general practice',
  'paediatrics',
  'obstetrics and gynaecology',
  'internal medicine',
  'surgery',
  'cardiology',
] as const;

export const EMAIL_DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'ymail.com'] as const;

/** The demo's owners: companies and people who own one or two hospitals each. */
export const DEMO_OWNERS = [
  { name: 'Adebayo Holdings Ltd', taxType: 'company', hospitals: ['LAG-001', 'LAG-003'] },
  { name: 'Ikeja Health Partners Ltd', taxType: 'company', hospitals: ['LAG-002'] },
  { name: 'Dr. Hadiza Suleiman', taxType: 'individual', hospitals: ['ABJ-001'] },
  { name: 'Capital Diagnostics Ltd', taxType: 'company', hospitals: ['ABJ-002'] },
  { name: 'Chief Emeka Nwosu', taxType: 'individual', hospitals: ['PHC-001', 'PHC-002'] },
  { name: 'Sahel Care Investments Ltd', taxType: 'company', hospitals: ['KAN-001'] },
  { name: 'Oyo Medical Ventures Ltd', taxType: 'company', hospitals: ['IBD-001', 'IBD-002'] },
] as const;

/** Deposit-money banks owners are paid to (codes from core/owners/banks.ts). */
export const DEMO_BANKS = ['058', '057', '044', '033', '011', '070', '232', '035', '221'] as const;

export const FEEDBACK_COMMENTS: Record<'good' | 'mixed' | 'bad', readonly string[]> = {
  good: [
    'The doctor was very patient and explained everything.',
    'Nurses were kind. Thank you.',
    'Short wait, clean place.',
    'Very good service, God bless you.',
  ],
  mixed: ['Good doctor but the wait was long.', 'Billing took too long.', 'OK but the waiting room was hot.'],
  bad: [
    'I waited more than three hours.',
    'Nobody told me the doctor was not around.',
    'The toilet was dirty and the staff were rude.',
    'They charged me twice at billing.',
  ],
};
