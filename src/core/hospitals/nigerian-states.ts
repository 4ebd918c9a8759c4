/**
 * Nigeria's 36 states and the Federal Capital Territory, as a hospital's state is stored. Operators
 * write them many ways ("Lagos State", "lagos", "Akwa-Ibom", "Abuja"); one spelling per state keeps
 * lists and reports by state from splitting one state into several.
 */
export const NIGERIAN_STATES = [
  'Abia',
  'Adamawa',
  'Akwa Ibom',
  'Anambra',
  'Bauchi',
  'Bayelsa',
  'Benue',
  'Borno',
  'Cross River',
  'Delta',
  'Ebonyi',
  'Edo',
  'Ekiti',
  'Enugu',
  'FCT',
  'Gombe',
  'Imo',
  'Jigawa',
  'Kaduna',
  'Kano',
  'Katsina',
  'Kebbi',
  'Kogi',
  'Kwara',
  'Lagos',
  'Nasarawa',
  'Niger',
  'Ogun',
  'Ondo',
  'Osun',
  'Oyo',
  'Plateau',
  'Rivers',
  'Sokoto',
  'Taraba',
  'Yobe',
  'Zamfara',
] as const;

export type NigerianState = (typeof NIGERIAN_STATES)[number];

/** Letters only, lower case, without a trailing "state": "Akwa-Ibom State" → "akwaibom". */
const stateKey = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z]/g, '')
    .replace(/state$/, '');

const BY_KEY = new Map<string, NigerianState>([
  ...NIGERIAN_STATES.map((s) => [stateKey(s), s] as const),
  // Other names in common use.
  ['abuja', 'FCT'],
  ['fctabuja', 'FCT'],
  ['abujafct', 'FCT'],
  ['federalcapitalterritory', 'FCT'],
  ['nassarawa', 'Nasarawa'],
]);

/** The state's stored spelling, or undefined when `text` names no Nigerian state. */
export function canonicalState(text: string): NigerianState | undefined {
  return BY_KEY.get(stateKey(text));
}
